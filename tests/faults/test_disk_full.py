"""A full disk for the media folder during an upload (issue 17, point 4): a clear error to the person (the GOV.UK
error summary on the page, a 503 from the API), no partial file, no orphan row; once there is room, it works.

Where the tests run as root the folder is a real 64 KiB tmpfs, nearly filled, so the kernel's ENOSPC arrives
mid-file. Elsewhere (no right to mount) the storage's file writes fail with ENOSPC after the first bytes: the
storage is not what is under test, the upload's handling of a full disk is.
"""

from __future__ import annotations

import errno
import io
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import api_token_create
from referrals.models import ReferralAttachment
from tests.referrals.factories import draft_referral, submitted_referral

pytestmark = [pytest.mark.faults, pytest.mark.integration, pytest.mark.django_db]

PDF = b"%PDF-1.4\n" + os.urandom(48 * 1024)  # larger than the room left
NOT_UPLOADED = "The selected file could not be uploaded – try again"


class _FullDisk(io.RawIOBase):
    """A file on a disk with `room` bytes left: later writes fail as the kernel's do."""

    def __init__(self, fd: int, room: int) -> None:
        self._out = open(fd, "wb")  # noqa: PTH123 - a descriptor, as os.fdopen takes
        self._room = room

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        if len(data) > self._room:
            self._out.write(bytes(data[: self._room]))
            self._room = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._room -= len(data)
        return self._out.write(data)

    def close(self) -> None:
        self._out.close()
        super().close()


class _OsOnAFullDisk:
    """The storage module's `os`, whose new files have 4 KiB of room; everything else is the real module."""

    def fdopen(self, fd: int, mode: str = "rb") -> _FullDisk:
        return _FullDisk(fd, room=4096)

    def __getattr__(self, name: str):
        return getattr(os, name)


def _mount_tmpfs(folder: Path) -> bool:
    if os.geteuid() != 0:
        return False
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(folder)], capture_output=True, check=False
    )
    return result.returncode == 0


@pytest.fixture
def full_media_folder(settings, tmp_path, monkeypatch) -> Iterator[Path]:
    folder = tmp_path / "media"
    folder.mkdir()
    mounted = _mount_tmpfs(folder)
    if mounted:
        (folder / "filler").write_bytes(b"\0" * (56 * 1024))  # about 8 KiB left
    else:
        import encryption.storage

        monkeypatch.setattr(encryption.storage, "os", _OsOnAFullDisk())
    settings.ENCRYPTION_FILE_ROOT = folder / "encrypted"
    yield folder
    if mounted:
        subprocess.run(["umount", str(folder)], check=True)
    else:
        monkeypatch.undo()


def _files(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def _make_room(folder: Path, monkeypatch) -> None:
    (folder / "filler").unlink(missing_ok=True)
    monkeypatch.undo()


def test_an_upload_page_on_a_full_disk_shows_the_error_and_keeps_nothing(
    client, referrer, full_media_folder, monkeypatch
):
    referral = draft_referral(user=referrer)
    client.force_login(referrer)
    url = reverse("referrals:draft-step", args=[referral.pk, "attachments"])
    before = _files(full_media_folder)
    response = client.post(url, {"file": SimpleUploadedFile("notes.pdf", PDF), "upload": "1"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert NOT_UPLOADED in body
    assert 'href="#file"' in body or 'href="#id_file"' in body  # the summary links to the field
    assert not ReferralAttachment.objects.exists()
    assert _files(full_media_folder) == before  # no partial file
    # With room again, the same upload works.
    _make_room(full_media_folder, monkeypatch)
    response = client.post(url, {"file": SimpleUploadedFile("notes.pdf", PDF), "upload": "1"})
    assert response.status_code == 302
    assert ReferralAttachment.objects.filter(referral=referral).count() == 1


def test_an_api_upload_on_a_full_disk_is_a_503_and_keeps_nothing(referrer, full_media_folder):
    referral = submitted_referral(user=referrer)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=referrer)[1]}")
    before = _files(full_media_folder)
    response = api.post(
        f"/api/v1/referrals/{referral.reference}/attachments/",
        {"file": SimpleUploadedFile("notes.pdf", PDF)},
        format="multipart",
    )
    assert response.status_code == 503
    assert response.json() == {"detail": NOT_UPLOADED}
    assert not ReferralAttachment.objects.exists()
    assert _files(full_media_folder) == before


def test_a_partners_answer_with_a_file_on_a_full_disk_waits_and_keeps_nothing(
    client, local_authority, referrer, triage_officer, *, full_media_folder, monkeypatch
):
    from mash.models import InformationRequest, InformationRequestStatus
    from tests.mash.factories import open_request, organisation_in, partner_in
    from tests.referrals.factories import information_gathering_referral

    partner = partner_in(local_authority, organisation_in(local_authority))
    referral = information_gathering_referral(user=referrer, screener=triage_officer)
    information_request = open_request(referral=referral, triage=triage_officer, partner=partner)
    client.force_login(partner)
    url = reverse("requests:request-detail", args=[information_request.pk])
    before = _files(full_media_folder)
    response = client.post(url, {"answer": "Known to us.", "file": SimpleUploadedFile("notes.pdf", PDF)})
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body
    assert NOT_UPLOADED in body
    information_request = InformationRequest.objects.get(pk=information_request.pk)
    assert information_request.status == InformationRequestStatus.OPEN  # not answered without its file
    assert not information_request.attachments.exists()
    assert _files(full_media_folder) == before
    _make_room(full_media_folder, monkeypatch)
    response = client.post(url, {"answer": "Known to us.", "file": SimpleUploadedFile("notes.pdf", PDF)})
    assert response.status_code == 302
    assert InformationRequest.objects.get(pk=information_request.pk).attachments.count() == 1
