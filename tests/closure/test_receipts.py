"""CTP's receipt: accepted only for this case's package and only with CTP's signature; refusals audited."""

from __future__ import annotations

import json

import pytest

from audit.models import AuditEvent
from closure.models import TransferStage
from closure.receipts import ReceiptRefused, receipt_build
from closure.services import transfer_deliver, transfer_receipt_accept
from encryption.signing import ed25519_private_key_new
from referrals.choices import ReferralStatus
from referrals.exceptions import TransitionRefused

pytestmark = pytest.mark.django_db


def _receipt(transfer, *, signing_key, sha256=None, package_id=None) -> bytes:
    return receipt_build(
        signing_key=signing_key,
        package_id=package_id or str(transfer.package_id),
        package_sha256=sha256 or transfer.package_sha256,
        case_reference=transfer.referral.reference,
        received_at="2026-11-28T12:00:00+00:00",
    )


@pytest.fixture
def delivered(closed_case):
    return transfer_deliver(transfer_id=closed_case.transfer.pk)


def _refusals(code: str) -> int:
    return AuditEvent.objects.filter(action="TRANSFER_RECEIPT_REFUSED", outcome="refused", reason_code=code).count()


def test_receipt_signed_by_ctp_moves_the_case_to_transferred(delivered, transfer_keys, assert_audited):
    data = _receipt(delivered, signing_key=transfer_keys["raw"]["ctp_signing.key"])
    transfer = transfer_receipt_accept(data=data, actor=None, via="command")
    transfer.referral.refresh_from_db()
    assert transfer.stage == TransferStage.ACKNOWLEDGED
    assert transfer.referral.status == ReferralStatus.TRANSFERRED
    assert str(transfer.receipt_id) == json.loads(data)["receipt_id"]
    assert_audited("TRANSFER_RECEIPT_ACCEPTED", transfer.referral, via="command")
    again = transfer_receipt_accept(data=data, actor=None, via="command")  # the same receipt twice: no change
    assert again.receipt_id == transfer.receipt_id


def test_receipt_for_another_package_is_refused_and_audited(delivered, transfer_keys):
    data = _receipt(delivered, signing_key=transfer_keys["raw"]["ctp_signing.key"], sha256="0" * 64)
    with pytest.raises(ReceiptRefused) as refused:
        transfer_receipt_accept(data=data, actor=None, via="command")
    assert str(refused.value) == "Refused: the receipt is for another package."
    assert _refusals("WRONG_PACKAGE") == 1
    delivered.refresh_from_db()
    delivered.referral.refresh_from_db()
    assert delivered.stage == TransferStage.DELIVERED
    assert delivered.referral.status == ReferralStatus.TRANSFERRING


def test_receipt_for_an_unknown_package_is_refused(delivered, transfer_keys):
    data = _receipt(
        delivered,
        signing_key=transfer_keys["raw"]["ctp_signing.key"],
        package_id="1b4e28ba-2fa1-11d2-883f-0016d3cca427",
    )
    with pytest.raises(ReceiptRefused):
        transfer_receipt_accept(data=data, actor=None, via="command")
    assert _refusals("UNKNOWN_PACKAGE") == 1


def test_receipt_signed_by_another_key_is_refused_and_audited(delivered):
    data = _receipt(delivered, signing_key=ed25519_private_key_new())
    with pytest.raises(ReceiptRefused) as refused:
        transfer_receipt_accept(data=data, actor=None, via="command")
    assert "not signed by the configured recipient key" in str(refused.value)
    assert _refusals("BAD_SIGNATURE") == 1
    delivered.refresh_from_db()
    assert delivered.stage == TransferStage.DELIVERED


def test_receipt_with_a_changed_field_is_refused(delivered, transfer_keys):
    receipt = json.loads(_receipt(delivered, signing_key=transfer_keys["raw"]["ctp_signing.key"]))
    receipt["received_at"] = "2026-11-29T12:00:00+00:00"
    with pytest.raises(ReceiptRefused):
        transfer_receipt_accept(data=json.dumps(receipt).encode(), actor=None, via="command")
    assert _refusals("BAD_SIGNATURE") == 1


def test_police_prevent_officer_confirms_a_receipt(delivered, transfer_keys, police_prevent_officer):
    data = _receipt(delivered, signing_key=transfer_keys["raw"]["ctp_signing.key"])
    transfer = transfer_receipt_accept(
        data=data, actor=police_prevent_officer, via="upload", referral=delivered.referral
    )
    assert transfer.receipt_confirmed_by == police_prevent_officer
    event = AuditEvent.objects.filter(action="REFERRAL_STATUS_CHANGED", details__transition="confirm_transfer").get()
    assert event.actor_id == police_prevent_officer.pk


@pytest.mark.parametrize("role", ["triage_officer", "prevent_lead", "channel_chair", "other_triage_officer"])
def test_confirming_a_receipt_by_another_role_is_refused_and_audited(delivered, transfer_keys, request, role):
    user = request.getfixturevalue(role)
    data = _receipt(delivered, signing_key=transfer_keys["raw"]["ctp_signing.key"])
    with pytest.raises(TransitionRefused):
        transfer_receipt_accept(data=data, actor=user, via="upload", referral=delivered.referral)
    assert _refusals("NOT_PERMITTED") == 1
    delivered.refresh_from_db()
    assert delivered.stage == TransferStage.DELIVERED


def test_nobody_takes_start_transfer_by_hand(closed_case, prevent_lead, triage_officer):
    from referrals.services import transitions

    for user in (prevent_lead, triage_officer):
        assert not transitions._permitted(closed_case.start_transfer, actor=user)
    assert transitions._permitted(closed_case.start_transfer, actor=None)
