"""Issue 15's end-to-end test with a real Celery worker on Redis: the case of tests/closure/test_purge_end_to_end.py
(a canary in every encrypted field of every row, an attachment, through MASH and Channel to its 12-month review),
but the package is built and delivered by the worker (the outbox relay, then the delivery task) and the purge is
the worker's scheduled sweep. Afterwards pg_dump and the media and drop folders hold no canary (but the sealed
package), verify_purge and verify_audit pass, and the tombstone holds the statistics of the case before it.

The worker reads config/settings/test.py: its fixed transfer keys (this service's b"s" * 32, CTP's b"x" * 32 and
b"r" * 32) and the shared media and drop folders, so this test uses them too."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

import tests.closure.test_purge_end_to_end as steps
from closure.models import PurgeCertificate, Tombstone, Transfer, TransferStage
from closure.package import open_package
from closure.receipts import receipt_build
from closure.services import transfer_receipt_accept
from closure.services.delivery import DROP_SUFFIX
from closure.statistics import case_statistics
from closure.tasks import closure_sweep
from core.tasks import outbox_sweep
from encryption.signing import ed25519_public_key
from encryption.storage import encrypted_file_save
from referrals.models import Referral, ReferralAttachment
from tests.channel.steps import take

pytestmark = pytest.mark.integration

CTP_PRIVATE_KEY = b"x" * 32
CTP_SIGNING_KEY = b"r" * 32
SENDER_PUBLIC_KEY = ed25519_public_key(b"s" * 32)


def _delivered_by_the_worker(transfer: Transfer) -> Transfer:
    assert outbox_sweep.delay().get(timeout=60)["dispatched"] >= 1  # the relay queued the delivery task
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        transfer.refresh_from_db()
        if transfer.stage == TransferStage.DELIVERED:
            return transfer
        time.sleep(0.5)
    pytest.fail("The worker did not deliver the package within 60 seconds.")


def test_the_worker_takes_a_case_with_canaries_everywhere_to_its_purge(  # noqa: PLR0917 - fixtures
    celery_worker_process, referrer, triage_officer, channel_chair, prevent_lead, local_authority
):
    referral, channel_case = steps.case_through_mash_to_post_exit_review(
        referrer, triage_officer, channel_chair, prevent_lead, local_authority
    )
    ref = encrypted_file_save(
        data_key=referral.data_key,
        fileobj=io.BytesIO(steps.ATTACHMENT),
        filename="c.pdf",
        content_type="application/pdf",
    )
    ReferralAttachment(
        referral=referral, added_by=referrer, file_ref=ref, content_type="application/pdf", size=9, filename="c"
    ).save(force_insert=True)
    steps._plant_canaries(referral)
    take(channel_case, "complete", channel_chair, note=f"{steps.CANARY}-closing-note")  # closes; queues delivery
    planted = steps._canaries_held(referral)
    assert len(planted) > 30
    before = case_statistics(Referral.objects.get(pk=referral.pk))

    transfer = _delivered_by_the_worker(Transfer.objects.get(referral=referral))
    package = Path(settings.TRANSFER_DROP_DIR) / f"{transfer.package_id}{DROP_SUFFIX}"
    try:
        opened = open_package(
            data=package.read_bytes(), private_key=CTP_PRIVATE_KEY, sender_public_key=SENDER_PUBLIC_KEY
        )
        document = json.dumps(opened.document)
        assert [value for value in planted if value not in document] == []  # CTP gets every canary
        receipt = receipt_build(
            signing_key=CTP_SIGNING_KEY,
            package_id=str(transfer.package_id),
            package_sha256=transfer.package_sha256,
            case_reference=referral.reference,
            received_at="2026-11-28T12:00:00+00:00",
        )
        transfer_receipt_accept(data=receipt, actor=None, via="command")

        assert closure_sweep.delay().get(timeout=60)["purged"] == 1  # the worker's sweep (PURGE_HOLD_DAYS 0)

        assert PurgeCertificate.objects.get(reference=referral.reference).files_removed_at is not None
        assert steps.CANARY.encode() not in steps._dump()
        for folder in (Path(settings.MEDIA_ROOT), Path(settings.TRANSFER_DROP_DIR)):
            for path in folder.rglob("*"):
                if path.is_file() and path != package:
                    assert steps.CANARY.encode() not in path.read_bytes(), path
        call_command("verify_purge", referral.reference)  # exit 0
        call_command("verify_audit")
        tombstone = Tombstone.objects.get()
        assert {key: getattr(tombstone, key) for key in before} == before
        assert before["outcome"] == "CHANNEL_COMPLETED"
    finally:
        package.unlink(missing_ok=True)
