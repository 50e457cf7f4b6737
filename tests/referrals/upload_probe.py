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
    """Every file under root whose bytes contain the canary, and every open file there, deleted or not.

    Open files are read through /proc/self/fd (Linux), which also finds a temporary file already
    unlinked from its folder (tempfile.TemporaryFile, a SpooledTemporaryFile once rolled over).
    """
    named = [str(path) for path in root.rglob("*") if path.is_file() and canary in path.read_bytes()]
    fds = Path("/proc/self/fd")
    opened = []
    for fd in fds.iterdir() if fds.is_dir() else []:
        try:
            target = str(fd.readlink())
            if target.startswith(str(root)) and canary in fd.read_bytes():
                opened.append(target)
        except OSError:  # closed meanwhile, or not a file
            continue
    return sorted(set(named) | set(opened))


class TempScanProbe(FileUploadHandler):
    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def upload_complete(self) -> None:
        found = files_containing(settings.UPLOAD_PROBE_ROOT, settings.UPLOAD_PROBE_CANARY)
        settings.UPLOAD_PROBE_FINDINGS.append(found)
