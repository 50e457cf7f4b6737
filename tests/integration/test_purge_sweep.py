"""The scheduled sweep run by a real worker purges a case CTP acknowledged: only its certificate, its
tombstone and its audit events remain, and verify_purge finds nothing left."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from closure.models import PurgeCertificate, Tombstone, Transfer
from closure.receipts import receipt_build
from closure.services import transfer_deliver, transfer_receipt_accept
from closure.tasks import closure_sweep
from mash.models import GatewayCheck
from referrals import services
from referrals.choices import ClosingReason
from referrals.models import Referral
from tests.referrals.factories import screening_referral

pytestmark = pytest.mark.integration


def test_the_worker_s_sweep_purges_an_acknowledged_case(
    celery_worker_process, canaries, referrer, triage_officer, police_prevent_officer
):
    referral = screening_referral(user=referrer, screener=triage_officer, given_name=canaries["first_name"])
    GatewayCheck.objects.create(
        referral=referral, recorded_by=police_prevent_officer, counter_terrorism=False, note="-"
    )
    services.referral_close(
        referral=referral, actor=triage_officer, reason_code=ClosingReason.NFA_NO_CONCERN, summary=canaries["narrative"]
    )
    transfer = transfer_deliver(transfer_id=Transfer.objects.get(referral=referral).pk)
    receipt = receipt_build(
        signing_key=b"r" * 32,  # config/settings/test.py: CTP_SIGNING_PUBLIC_KEY is this seed's public key
        package_id=str(transfer.package_id),
        package_sha256=transfer.package_sha256,
        case_reference=referral.reference,
        received_at="2026-11-28T12:00:00+00:00",
    )
    transfer_receipt_accept(data=receipt, actor=None, via="command")

    done = closure_sweep.delay().get(timeout=60)

    assert done["purged"] == 1
    assert not Referral.objects.filter(pk=referral.pk).exists()
    assert PurgeCertificate.objects.get(reference=referral.reference).authorised_via == "schedule"
    assert Tombstone.objects.count() == 1
    call_command("verify_purge", referral.reference)  # exit 0: nothing of the case remains
