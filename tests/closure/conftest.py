"""Closure fixtures: transfer keys of both sides in a temporary folder, a drop folder, and a closed case
holding a canary value in its answers, its closing summary, an information request and an attachment."""

from __future__ import annotations

import base64
import io

import pytest

from encryption.sealing import x25519_private_key_new, x25519_public_key
from encryption.signing import ed25519_private_key_new, ed25519_public_key
from mash.models import GatewayCheck
from referrals import services
from referrals.choices import ClosingReason
from tests.mash.factories import organisation_in, request_row
from tests.referrals.factories import draft_referral

ATTACHMENT_CANARY = b"%PDF-1.4 Canary attachment bytes 5d1e"
SUMMARY_CANARY = "Canary closing summary 91b4"
GATEWAY_CANARY = "Canary gateway note 2c7e"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii")


@pytest.fixture
def transfer_keys(settings, tmp_path):
    """Both sides' keys as files (the recipient's private halves too) and the settings pointing at them."""
    folder = tmp_path / "keys"
    folder.mkdir()
    raw = {
        "transfer_signing.key": ed25519_private_key_new(),
        "ctp.key": x25519_private_key_new(),
        "ctp_signing.key": ed25519_private_key_new(),
    }
    raw["ctp.pub"] = x25519_public_key(raw["ctp.key"])
    raw["ctp_signing.pub"] = ed25519_public_key(raw["ctp_signing.key"])
    raw["transfer_signing.pub"] = ed25519_public_key(raw["transfer_signing.key"])
    paths = {}
    for name, value in raw.items():
        (folder / name).write_text(_b64(value) + "\n")
        paths[name] = folder / name
    settings.TRANSFER_SIGNING_KEY = f"file:{paths['transfer_signing.key']}"
    settings.CTP_PUBLIC_KEY = f"file:{paths['ctp.pub']}"
    settings.CTP_SIGNING_PUBLIC_KEY = f"file:{paths['ctp_signing.pub']}"
    settings.DEV_KEYS_DIR = folder
    settings.TRANSFER_TRANSPORT = "drop_folder"
    settings.TRANSFER_DROP_DIR = tmp_path / "drop"
    return {"paths": paths, "raw": raw}


@pytest.fixture
def closed_case(transfer_keys, canaries, referrer, triage_officer, police_prevent_officer, local_authority):  # noqa: PLR0917 - fixtures
    """A case with canaries everywhere, closed at screening (its transfer recorded, not yet built)."""
    referral = draft_referral(
        user=referrer,
        given_name=canaries["first_name"],
        family_name=canaries["last_name"],
        concern_description=canaries["narrative"],
    )
    services.referral_attachment_add(
        referral=referral,
        actor=referrer,
        fileobj=io.BytesIO(ATTACHMENT_CANARY),
        filename="canary-evidence.pdf",
        size=len(ATTACHMENT_CANARY),
    )
    referral = services.referral_submit(referral=referral, actor=referrer)
    referral = services.referral_start_screening(referral=referral, actor=triage_officer)
    GatewayCheck.objects.create(
        referral=referral, recorded_by=police_prevent_officer, counter_terrorism=False, note=GATEWAY_CANARY
    )
    partner = triage_officer  # the addressee row only; the request is written directly
    request_row(
        referral=referral,
        created_by=triage_officer,
        addressee=partner,
        organisation=organisation_in(local_authority),
        grant_for=None,
    )
    return services.referral_close(
        referral=referral, actor=triage_officer, reason_code=ClosingReason.NFA_NO_CONCERN, summary=SUMMARY_CANARY
    )


@pytest.fixture
def transferred_case(closed_case, transfer_keys):
    """The closed case delivered to the drop folder and acknowledged by CTP's signed receipt."""
    from closure.receipts import receipt_build
    from closure.services import transfer_deliver, transfer_receipt_accept

    transfer = transfer_deliver(transfer_id=closed_case.transfer.pk)
    receipt = receipt_build(
        signing_key=transfer_keys["raw"]["ctp_signing.key"],
        package_id=str(transfer.package_id),
        package_sha256=transfer.package_sha256,
        case_reference=closed_case.reference,
        received_at="2026-11-28T12:00:00+00:00",
    )
    transfer_receipt_accept(data=receipt, actor=None, via="command")
    closed_case.refresh_from_db()
    return closed_case
