"""No byte of an upload reaches disk unencrypted: not in the temporary folder during the request, nor after.

Every folder the upload could touch (Django's FILE_UPLOAD_TEMP_DIR, Python's temporary folder,
MEDIA_ROOT and the encrypted file root) is moved under one fresh folder, which is searched for a
canary written into the file: by a probe handler once the body is parsed (tests/referrals/upload_probe.py)
and again after the response.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopFutureHandlers
from django.urls import reverse

from accounts import services as accounts_services
from encryption.storage import encrypted_file_open, encrypted_file_path
from encryption.uploads import MemoryOnlyUploadHandler, OversizedUpload
from referrals.models import Referral

from .factories import submitted_referral
from .upload_probe import files_containing

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture
def disk(tmp_path, settings, monkeypatch):
    """Every writable folder under tmp_path, the probe watching it for this test's canary."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    settings.FILE_UPLOAD_TEMP_DIR = str(temporary)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ENCRYPTION_FILE_ROOT = tmp_path / "media" / "encrypted"
    settings.FILE_UPLOAD_HANDLERS = [*settings.FILE_UPLOAD_HANDLERS, "tests.referrals.upload_probe.TempScanProbe"]
    settings.UPLOAD_PROBE_ROOT = tmp_path
    settings.UPLOAD_PROBE_CANARY = f"UPLOAD-CANARY-{uuid.uuid4().hex}".encode()
    settings.UPLOAD_PROBE_FINDINGS = []
    return settings


def _pdf_with_canary(size: int, canary: bytes) -> bytes:
    """A file of `size` bytes that passes the PDF check, the canary at its start, middle and end."""
    filler = os.urandom(size)
    middle = size // 2
    content = b"%PDF-1.7\n" + canary + filler[: middle - len(canary) - 9] + canary
    return content + filler[len(content) : size - len(canary)] + canary


def _start(client):
    assert client.post(reverse("referrals:start")).status_code == 302
    referral = Referral.objects.get()
    return referral, reverse("referrals:draft-step", args=[referral.pk, "attachments"])


def test_a_9mb_attachment_is_never_on_disk_in_plaintext_and_is_stored_encrypted(client, referrer, disk):
    canary = disk.UPLOAD_PROBE_CANARY
    content = _pdf_with_canary(9 * MB, canary)
    client.force_login(referrer)
    referral, url = _start(client)

    response = client.post(url, {"file": SimpleUploadedFile("report.pdf", content), "upload": "1"})

    assert response.status_code == 302
    assert disk.UPLOAD_PROBE_FINDINGS == [[]]  # the probe ran, mid-request, and found nothing
    assert files_containing(disk.UPLOAD_PROBE_ROOT, canary) == []
    (attachment,) = referral.attachments.all()
    assert attachment.size == 9 * MB
    assert encrypted_file_path(attachment.file_ref).is_file()
    with encrypted_file_open(data_key=referral.data_key, ref=attachment.file_ref) as opened:
        assert opened.read() == content


def test_an_attachment_over_the_limit_is_refused_with_a_page_and_never_written(client, referrer, disk):
    canary = disk.UPLOAD_PROBE_CANARY
    client.force_login(referrer)
    referral, url = _start(client)

    response = client.post(url, {"file": SimpleUploadedFile("big.pdf", _pdf_with_canary(12 * MB, canary))})

    assert response.status_code == 200
    assert "The selected file must be smaller than 10MB" in response.content.decode()
    assert referral.attachments.count() == 0
    assert disk.UPLOAD_PROBE_FINDINGS == [[]]
    assert files_containing(disk.UPLOAD_PROBE_ROOT, canary) == []


def test_a_file_sent_to_the_api_is_never_spooled_to_disk(client, referrer, disk):
    """The API's upload of a file to a referral (multipart) goes through the same memory-only handler."""
    canary = disk.UPLOAD_PROBE_CANARY
    _, token = accounts_services.api_token_create(user=referrer)
    reference = submitted_referral(user=referrer).reference
    upload = SimpleUploadedFile("report.pdf", _pdf_with_canary(9 * MB, canary))

    url = reverse("api:referral-attachment-add", kwargs={"reference": reference})
    response = client.post(url, {"file": upload}, HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 201, response.content
    assert disk.UPLOAD_PROBE_FINDINGS == [[]]
    assert files_containing(disk.UPLOAD_PROBE_ROOT, canary) == []


def test_a_file_sent_to_the_api_create_is_refused_unread(client, referrer, disk):
    """The create takes JSON only: a multipart body is refused (415) before it is parsed."""
    canary = disk.UPLOAD_PROBE_CANARY
    _, token = accounts_services.api_token_create(user=referrer)
    upload = SimpleUploadedFile("report.pdf", _pdf_with_canary(9 * MB, canary))

    response = client.post(reverse("api:referral-create"), {"file": upload}, HTTP_AUTHORIZATION=f"Token {token}")

    assert response.status_code == 415
    assert files_containing(disk.UPLOAD_PROBE_ROOT, canary) == []


def test_one_request_holds_at_most_the_allowance_across_all_its_files(settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000
    handler = MemoryOnlyUploadHandler()
    files = []
    for name in ("first.pdf", "second.pdf"):
        with pytest.raises(StopFutureHandlers):  # this handler takes every file, no other handler sees it
            handler.new_file("file", name, "application/pdf", None)
        for start in range(0, 600, 100):
            handler.receive_data_chunk(b"x" * 100, start)
            assert handler.held <= settings.FILE_UPLOAD_MAX_MEMORY_SIZE
        files.append(handler.file_complete(600))

    first, second = files
    assert (first.size, first.read()) == (600, b"x" * 600)
    assert isinstance(second, OversizedUpload)
    assert (second.size, second.read()) == (600, b"")


def test_too_many_files_in_one_request_is_a_400_page_not_a_500(client, referrer, disk):
    client.force_login(referrer)
    _, url = _start(client)
    files = [SimpleUploadedFile(f"f{number}.pdf", b"%PDF-1.7\n") for number in range(101)]

    response = client.post(url, {"file": files})

    assert response.status_code == 400
    assert "There is a problem with your request" in response.content.decode()
    assert referral_files_on_disk(disk) == []


def referral_files_on_disk(disk) -> list:
    return [path for path in disk.UPLOAD_PROBE_ROOT.rglob("*") if path.is_file()]


# Served through ASGI, Django buffers the whole body before any upload handler runs.
def _asgi_post(body: bytes, *, probe) -> tuple[int, list]:
    """POST a body in 64 KiB messages to config.asgi's application; `probe` runs at every receive."""
    from config.asgi import application

    chunks = [body[start : start + 65536] for start in range(0, len(body), 65536)]
    sent: list = []
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/referrals/start/",
        "raw_path": b"/referrals/start/",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/octet-stream")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }

    async def receive():
        probe()
        if chunks:
            chunk = chunks.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}
        await asyncio.Event().wait()  # no disconnect: Django stops listening once it has answered
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    asyncio.run(application(scope, receive, send))
    return next(m["status"] for m in sent if m["type"] == "http.response.start"), sent


@pytest.mark.parametrize(("size", "status"), [(9 * MB, 403), (12 * MB, 413)])
def test_an_asgi_request_body_is_never_buffered_on_disk(disk, size, status):
    canary = disk.UPLOAD_PROBE_CANARY
    findings = []

    status_code, _ = _asgi_post(
        _pdf_with_canary(size, canary), probe=lambda: findings.extend(files_containing(disk.UPLOAD_PROBE_ROOT, canary))
    )

    assert findings == []
    assert files_containing(disk.UPLOAD_PROBE_ROOT, canary) == []
    assert status_code == status  # 403: the body was read in memory, then CSRF refused the anonymous POST
