"""verify_purge REFERENCE: the certificate; exit 0 when nothing remains, 1 with what remains, 2 if never purged."""

from __future__ import annotations

import secrets

import pytest
from django.core.management import call_command
from django.db import connection

from closure.models import PurgeCertificate
from closure.services.purge import case_purge
from core.models import OutboxMessage
from encryption.storage import encrypted_file_path

pytestmark = pytest.mark.django_db


def _run(reference: str, capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exited:
        call_command("verify_purge", reference)
    out = capsys.readouterr()
    return exited.value.code, out.out + out.err


def _verify_ok(reference: str, capsys) -> str:
    call_command("verify_purge", reference)  # no SystemExit: exit status 0
    return capsys.readouterr().out


def test_a_complete_purge_exits_0_and_prints_the_certificate(transferred_case, capsys):
    reference = transferred_case.reference
    certificate = case_purge(reference=reference, actor=None, via="schedule")
    out = _verify_ok(reference, capsys)
    assert certificate.package_sha256 in out
    assert str(certificate.receipt_id) in out
    assert "nothing of" in out


def test_a_file_left_behind_exits_1_and_names_it(transferred_case, capsys):
    reference = transferred_case.reference
    certificate = case_purge(reference=reference, actor=None, via="schedule")
    left = encrypted_file_path(certificate.file_refs[0])
    left.parent.mkdir(parents=True, exist_ok=True)
    left.write_bytes(b"ciphertext left behind")
    code, out = _run(reference, capsys)
    assert code == 1
    assert certificate.file_refs[0] in out


def test_a_row_left_behind_exits_1(transferred_case, capsys):
    reference = transferred_case.reference
    certificate = case_purge(reference=reference, actor=None, via="schedule")
    OutboxMessage.objects.create(
        topic="referrals.mash_notify", object_id=str(certificate.case_id), next_attempt_at=certificate.purged_at
    )
    code, out = _run(reference, capsys)
    assert code == 1
    assert "outbox" in out


def test_a_tampered_certificate_exits_1(transferred_case, capsys):
    reference = transferred_case.reference
    case_purge(reference=reference, actor=None, via="schedule")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE closure_purgecertificate SET files_deleted = files_deleted + 1")
    code, out = _run(reference, capsys)
    assert code == 1
    assert "signature" in out


def test_a_case_never_purged_exits_2(transferred_case, capsys):
    code, out = _run(transferred_case.reference, capsys)
    assert code == 2
    assert "never purged" in out
    assert not PurgeCertificate.objects.exists()


def test_an_unknown_reference_exits_2(db, capsys):
    code, out = _run("PRV-2026-999999", capsys)
    assert code == 2
    assert "unknown" in out


@pytest.fixture
def reference_of_its_own():
    """Each xdist worker has a database of its own, so each numbers its first case PRV-YYYY-000001, but Redis is
    shared: keys planted naming this test's case must name a reference no other worker's case has, or another
    worker's purge deletes them and its verify_purge reports them (a race seen on PostgreSQL with Redis)."""
    from django.utils import timezone

    from referrals.models import ReferenceCounter

    start = 500_000 + secrets.randbelow(400_000)
    ReferenceCounter.objects.update_or_create(year=timezone.localdate().year, defaults={"last": start})


@pytest.mark.integration
def test_redis_keys_naming_the_case_are_removed_by_the_purge_or_reported(
    reference_of_its_own, transferred_case, settings, capsys
):
    """With Redis (production): a cached string naming the case goes with the purge; a queue is never deleted,
    and verify_purge reports one that still names the case (exit 1)."""
    import os
    import uuid

    import redis

    settings.REDIS_URL = os.environ["REDIS_URL"]
    client = redis.Redis.from_url(settings.REDIS_URL)
    prefix = f"test-verify-purge-{uuid.uuid4().hex[:8]}"
    reference, case_id = transferred_case.reference, str(transferred_case.pk)
    assert int(reference.rsplit("-", 1)[1]) > 500_000  # the case was numbered after reference_of_its_own ran
    cached, by_value, queue = f"{prefix}:{case_id}", f"{prefix}:value", f"{prefix}:queue"
    try:
        client.set(cached, b"a fragment")
        client.set(by_value, f"a result naming {reference}".encode())
        case_purge(reference=reference, actor=None, via="schedule")
        assert client.exists(cached, by_value) == 0  # the purge removed both strings after its commit
        _verify_ok(reference, capsys)
        client.rpush(queue, f"a message naming {case_id}".encode())
        code, out = _run(reference, capsys)
        assert code == 1
        assert queue in out
    finally:
        client.delete(cached, by_value, queue)


@pytest.mark.parametrize("reference", ["", "   ", "PRV-2026\n-000001"])
def test_an_empty_or_broken_reference_is_one_line_exit_2(reference, capsys):
    # Before: " is unknown here." for an empty one, and two lines for one with a line break.
    assert _run(reference, capsys) == (2, "Give a case reference, such as PRV-2026-000123.\n")
