"""Demo MASH cases (development only): a new case, an assigned one, an overdue one, one in screening."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.services.users import DEMO_AUTHORITIES, demo_email
from encryption.blind_index import person_index
from referrals import services as referral_services
from referrals.exceptions import ReferralInvalid
from referrals.models import Referral
from referrals.services.demo import DEMO_PERSON

from .models import Assessment
from .services import referral_assign

# Made-up people (no real person): each name is one demo case of the first demo council.
DEMO_CASES = (
    ("Jordan", "new", datetime.date(2011, 2, 3), "no"),
    ("Casey", "assigned", datetime.date(1990, 7, 21), "no"),
    ("Morgan", "overdue", datetime.date(2009, 11, 30), "yes"),
    ("Riley", "screening", datetime.date(1985, 4, 9), "no"),
)
DEMO_FAMILY_NAME = "Mash-Demo"
CHILDREN_BORN_AFTER = 2008
DEMO_PARENT = {"parent_name": "Demo Parent", "parent_relationship": "Parent", "parent_contact": "01632 960124"}


def _users() -> tuple[User, User, User]:
    prefix = DEMO_AUTHORITIES[0].email_prefix
    roles = (Role.REFERRER, Role.TRIAGE_OFFICER, Role.POLICE_PREVENT_OFFICER)
    emails = [demo_email(role, prefix) for role in roles]
    found = {user.email: user for user in User.objects.filter(email__in=emails, is_active=True)}
    if len(found) != len(emails):
        raise ReferralInvalid({"referrer": ["Run seed_demo first: the demo users do not exist"]})
    referrer, triage, police = (found[email] for email in emails)
    return referrer, triage, police


def mash_demo_seed() -> list[tuple[str, str]]:
    """Submit the demo cases once (found by the person index); returns (reference, what it shows) rows."""
    first_name, _, birth, _ = DEMO_CASES[0]
    index = person_index(given_name=first_name, family_name=DEMO_FAMILY_NAME, date_of_birth=birth)
    if Referral.objects.filter(person_index=index).exists():
        return []
    referrer, triage, police = _users()  # before any case: without the demo users, nothing is written
    rows = []
    for given_name, shows, date_of_birth, immediate_risk in DEMO_CASES:
        answers = DEMO_PERSON | {
            "given_name": given_name,
            "family_name": DEMO_FAMILY_NAME,
            "date_of_birth": date_of_birth,
            "immediate_risk": immediate_risk,
        }
        if date_of_birth.year > CHILDREN_BORN_AFTER:  # a child's referral names a parent or carer
            answers |= DEMO_PARENT
        draft = referral_services.referral_draft_create(actor=referrer)
        referral_services.referral_draft_save(referral=draft, actor=referrer, answers=answers)
        referral = referral_services.referral_submit(referral=draft, actor=referrer)
        if shows in ("assigned", "overdue", "screening"):
            referral_assign(referral=referral, actor=triage, assignee=police if shows == "assigned" else triage)
        if shows == "screening":
            referral_services.referral_start_screening(referral=referral, actor=triage)
        if shows == "overdue":
            # Demo only: the due date moved back, as if the case had waited since last month.
            with transaction.atomic():
                Assessment.objects.filter(referral=referral).update(
                    screening_due_on=timezone.localdate() - datetime.timedelta(days=10)
                )
        rows.append((referral.reference, shows))
    return rows
