"""A test-only upload handler, listed after the real ones, that looks for a canary on disk mid-request.

Django calls every handler's `upload_complete` once the request body is parsed and before the view
runs: the moment a spooled temporary file would hold the whole upload. The probe reads the folder
and canary from settings (UPLOAD_PROBE_ROOT, UPLOAD_PROBE_CANARY) and appends the paths of files
that contain the canary to settings.UPLOAD_PROBE_FINDINGS.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler


def files_containing(root: Path, canary: bytes) -> list[str]:
    """Every file under root whose bytes contain the canary."""
    return sorted(str(path) for path in root.rglob("*") if path.is_file() and canary in path.read_bytes())


class TempScanProbe(FileUploadHandler):
    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def upload_complete(self) -> None:
        found = files_containing(settings.UPLOAD_PROBE_ROOT, settings.UPLOAD_PROBE_CANARY)
        settings.UPLOAD_PROBE_FINDINGS.append(found)
