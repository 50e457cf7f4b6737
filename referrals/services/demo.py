"""Demo referrals (development only): one fictional person referred three times, in two councils."""

from __future__ import annotations

import datetime
from typing import Any

from accounts.models import Role, User
from accounts.services.users import DEMO_AUTHORITIES, demo_email
from encryption.blind_index import person_index
from referrals.exceptions import ReferralInvalid
from referrals.models import Referral

from .intake import referral_draft_create, referral_draft_save, referral_submit

# A made-up person and referrer (example.org, Ofcom drama numbers); never a real one.
DEMO_PERSON: dict[str, Any] = {
    "given_name": "Robin",
    "family_name": "Demo-Person",
    "other_names": "",
    "date_of_birth": datetime.date(1998, 5, 14),
    "approximate_age": "",
    "gender": "unknown",
    "address": "1 Example Row, Northmoor",
    "postcode": "NM1 1AA",
    "contact": "07700 900123",
    "first_language": "English",
    "interpreter_needed": "no",
    "education_or_employer": "Northmoor College",
    "referrer_name": "Demo Referrer",
    "referrer_role": "Tutor",
    "referrer_organisation": "Hill Street Academy",
    "referrer_sector": "education",
    "referrer_phone": "01632 960123",
    "referrer_email": "referrer@example.org",
    "safeguarding_lead_aware": "yes",
    "concern_description": "A demonstration referral: no real person or concern.",
    "concern_when": "Last month",
    "concern_how_learned": "In class",
    "concern_type": "unsure",
    "indicators": ["online_activity"],
    "complex_needs": "",
    "person_aware": "no",
    "other_agencies": "",
    "immediate_risk": "no",
}


def referral_demo_seed() -> list[tuple[str, str]]:
    """Submit, once, three referrals of the demo person: first council, second council, first council again.

    The last one shows both kinds of repeat: a link to the earlier one in its own council, and the
    notice of one in another council. Idempotent (found by the person index). Returns (reference,
    council name) rows; none when they exist already. Raises ReferralInvalid if seed_demo has not run.
    """
    index = person_index(
        given_name=DEMO_PERSON["given_name"],
        family_name=DEMO_PERSON["family_name"],
        date_of_birth=DEMO_PERSON["date_of_birth"],
    )
    if Referral.objects.filter(person_index=index).exists():
        return []
    emails = [demo_email(Role.REFERRER, authority.email_prefix) for authority in DEMO_AUTHORITIES]
    referrers = {user.email: user for user in User.objects.filter(email__in=emails, is_active=True)}
    if len(referrers) != len(emails):
        raise ReferralInvalid({"referrer": ["Run seed_demo first: the demo referrers do not exist"]})
    first, second = (referrers[email] for email in emails[:2])
    rows = []
    for referrer in (first, second, first):
        draft = referral_draft_create(actor=referrer)
        referral_draft_save(referral=draft, actor=referrer, answers=DEMO_PERSON)
        referral = referral_submit(referral=draft, actor=referrer)
        rows.append((referral.reference, referrer.membership.local_authority.name))
    return rows
