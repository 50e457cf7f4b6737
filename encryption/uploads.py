"""Uploads are held in memory until they are encrypted: never a temporary file in plaintext.

Django's default handlers spool any upload above FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) to a
temporary file, so a referral's attachment would sit on disk unencrypted until the request ends.
`MemoryOnlyUploadHandler` is the only handler (FILE_UPLOAD_HANDLERS), for pages and the API alike
(REST framework's multipart parser uses the same handlers). It holds the files of one request in
memory up to FILE_UPLOAD_MAX_MEMORY_SIZE in total. Beyond that it drops what it held of the file
and keeps only a count of the bytes sent: the file arrives as an `OversizedUpload` with no
content and its true size, which the attachment service refuses by size ("must be smaller than").
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers


class OversizedUpload(UploadedFile):
    """A file larger than the request's memory allowance: its name and the bytes sent, no content."""

    def __init__(self, *, name: str, size: int, content_type: str, charset: str | None, extra: Any) -> None:
        super().__init__(BytesIO(), name, content_type, size, charset, extra)


class MemoryOnlyUploadHandler(FileUploadHandler):
    """Every file of a request in memory, at most FILE_UPLOAD_MAX_MEMORY_SIZE bytes for them all together.

    Security over convenience: a request's files cost up to that much memory while it lasts
    (one attachment at the size limit, with room for the form), and a larger file is refused
    rather than written anywhere in plaintext.
    """

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.allowance = settings.FILE_UPLOAD_MAX_MEMORY_SIZE
        self.held = 0  # bytes held for this request's files so far
        self.buffer: BytesIO | None = None
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = BytesIO()
        self.received = 0
        raise StopFutureHandlers

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.buffer is None:
            return  # already over the allowance: count the bytes, keep none of them
        if self.held + len(raw_data) > self.allowance:
            self.held -= self.buffer.tell()
            self.buffer = None
            return
        self.buffer.write(raw_data)
        self.held += len(raw_data)

    def file_complete(self, file_size: int) -> UploadedFile:
        if self.buffer is None:
            return OversizedUpload(
                name=self.file_name,
                size=self.received,
                content_type=self.content_type,
                charset=self.charset,
                extra=self.content_type_extra,
            )
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )

    def upload_interrupted(self) -> None:
        self.buffer = None
