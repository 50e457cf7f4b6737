"""Demo cases of the closure (development only), reached through the services: one closed and on its way to
CTP, awaiting CTP's receipt (submitted, screened, closed, its package built and dropped); one acknowledged by
CTP and purged, leaving its certificate."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.services.users import DEMO_AUTHORITIES, demo_email
from encryption.blind_index import person_index
from mash.models import GatewayCheck
from referrals import services as referral_services
from referrals.choices import ClosingReason
from referrals.exceptions import ReferralInvalid
from referrals.models import Referral
from referrals.services.demo import DEMO_PERSON

from . import keys
from .models import PurgeCertificate, Transfer
from .receipts import receipt_build
from .services.delivery import DROP_SUFFIX, transfer_deliver
from .services.purge import case_purge
from .services.receipts import transfer_receipt_accept

# A made-up person (no real person).
DEMO_GIVEN_NAME = "Morgan"
DEMO_FAMILY_NAME = "Closure-Demo"
DEMO_BIRTH = datetime.date(2001, 3, 9)
PURGED_GIVEN_NAME = "Robin"
PURGED_FAMILY_NAME = "Purged-Demo"


def _users() -> dict[str, User]:
    prefix = DEMO_AUTHORITIES[0].email_prefix
    roles = {"referrer": Role.REFERRER, "triage": Role.TRIAGE_OFFICER, "police": Role.POLICE_PREVENT_OFFICER}
    emails = {key: demo_email(role, prefix) for key, role in roles.items()}
    found = {user.email: user for user in User.objects.filter(email__in=emails.values(), is_active=True)}
    if len(found) != len(emails):
        raise ReferralInvalid({"referrer": ["Run seed_demo first: the demo users do not exist"]})
    return {key: found[email] for key, email in emails.items()}


def closure_demo_seed() -> tuple[str, Path] | None:
    """Close the demo case once and deliver its package; returns (reference, package path), None if it exists."""
    index = person_index(given_name=DEMO_GIVEN_NAME, family_name=DEMO_FAMILY_NAME, date_of_birth=DEMO_BIRTH)
    if Referral.objects.filter(person_index=index).exists():
        return None
    transfer = _closed_and_delivered(_users(), DEMO_GIVEN_NAME, DEMO_FAMILY_NAME)
    return transfer.referral.reference, Path(settings.TRANSFER_DROP_DIR) / f"{transfer.package_id}{DROP_SUFFIX}"


def closure_demo_purged_seed() -> str | None:
    """A second demo case taken all the way: delivered, acknowledged with the development CTP receipt key
    (as `acknowledge_package` would), and purged by the sweep; returns its reference, None if done already."""
    users = _users()
    if PurgeCertificate.objects.filter(referrer=users["referrer"]).exists():
        return None
    transfer = _closed_and_delivered(users, PURGED_GIVEN_NAME, PURGED_FAMILY_NAME)
    receipt = receipt_build(
        signing_key=keys.key_file(str(Path(settings.DEV_KEYS_DIR) / "ctp_signing.key"), "CTP's receipt key"),
        package_id=str(transfer.package_id),
        package_sha256=transfer.package_sha256,
        case_reference=transfer.referral.reference,
        received_at=timezone.now().isoformat(),
    )
    transfer_receipt_accept(data=receipt, actor=None, via="command")
    return case_purge(reference=transfer.referral.reference, actor=None, via="schedule").reference


def _closed_and_delivered(users: dict[str, User], given_name: str, family_name: str) -> Transfer:
    answers = DEMO_PERSON | {"given_name": given_name, "family_name": family_name, "date_of_birth": DEMO_BIRTH}
    draft = referral_services.referral_draft_create(actor=users["referrer"])
    referral_services.referral_draft_save(referral=draft, actor=users["referrer"], answers=answers)
    referral = referral_services.referral_submit(referral=draft, actor=users["referrer"])
    referral = referral_services.referral_start_screening(referral=referral, actor=users["triage"])
    with transaction.atomic():
        GatewayCheck.objects.create(
            referral=referral,
            recorded_by=users["police"],
            counter_terrorism=False,
            note="Demo: no counter-terrorism investigation; nothing to deconflict.",
        )
    referral = referral_services.referral_close(
        referral=referral,
        actor=users["triage"],
        reason_code=ClosingReason.NFA_SIGNPOSTED,
        summary="Demo: signposted to the youth service; no Prevent concern remains.",
    )
    return transfer_deliver(transfer_id=Transfer.objects.get(referral=referral).pk)
