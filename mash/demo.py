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

from .calendar import working_days_after
from .information_requests import services as request_services
from .information_requests.grants import grant_expiry
from .models import Assessment, InformationRequest, InformationRequestUserObjectPermission
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


# --- Information requests (issue 13, point 8): cases in information gathering with an open, an overdue and an
# answered request, to the demo partner contributor (partner@example.org, Community Health Trust), who can
# sign in and answer the open ones.
REQUEST_CASES = (
    ("Harper", "information gathering, request open", datetime.date(1994, 5, 12)),
    ("Quinn", "information gathering, request overdue", datetime.date(2010, 8, 2)),
    ("Rowan", "information gathering, request answered", datetime.date(1979, 1, 23)),
)
DEMO_QUESTION = (
    "Is this person known to your service? If so, please tell us about any contact in the last 12 months "
    "and any concerns your staff have recorded."
)
DEMO_ANSWER = "Known to our community mental health team since 2024; last seen in October. No concerns recorded."


def _partner() -> User:
    email = demo_email(Role.PARTNER_CONTRIBUTOR, DEMO_AUTHORITIES[0].email_prefix)
    partner = User.objects.filter(email=email, is_active=True).select_related("membership_record").first()
    if partner is None or partner.membership is None or partner.membership.organisation_id is None:
        raise ReferralInvalid({"partner": ["Run seed_demo first: the demo partner contributor does not exist"]})
    return partner


def _gathering_case(given_name: str, date_of_birth: datetime.date, referrer: User, triage: User) -> Referral:
    answers = DEMO_PERSON | {
        "given_name": given_name,
        "family_name": DEMO_FAMILY_NAME,
        "date_of_birth": date_of_birth,
        "immediate_risk": "no",
    }
    if date_of_birth.year > CHILDREN_BORN_AFTER:
        answers |= DEMO_PARENT
    draft = referral_services.referral_draft_create(actor=referrer)
    referral_services.referral_draft_save(referral=draft, actor=referrer, answers=answers)
    referral = referral_services.referral_submit(referral=draft, actor=referrer)
    referral = referral_services.referral_start_screening(referral=referral, actor=triage)
    return referral_services.referral_start_information_gathering(referral=referral, actor=triage)


def information_requests_demo_seed() -> list[tuple[str, str]]:
    """Three cases in information gathering, each with one request in a different state (idempotent)."""
    first_name, _, birth = REQUEST_CASES[0]
    index = person_index(given_name=first_name, family_name=DEMO_FAMILY_NAME, date_of_birth=birth)
    if Referral.objects.filter(person_index=index).exists():
        return []
    referrer, triage, _police = _users()
    partner = _partner()
    rows = []
    for given_name, shows, date_of_birth in REQUEST_CASES:
        referral = _gathering_case(given_name, date_of_birth, referrer, triage)
        due_on = working_days_after(timezone.localdate(), 5, referral.local_authority.nation)
        information_request = request_services.information_request_create(
            referral=referral,
            actor=triage,
            organisation=partner.membership.organisation,
            addressee=partner,
            question=DEMO_QUESTION,
            due_on=due_on,
        )
        if shows.endswith("overdue"):
            # Demo only: the due date moved back, as if the request had been waiting since last week; the
            # partner's access follows it (it still has a few days to run).
            overdue_on = timezone.localdate() - datetime.timedelta(days=2)
            with transaction.atomic():
                InformationRequest.objects.filter(pk=information_request.pk).update(due_on=overdue_on)
                InformationRequestUserObjectPermission.objects.filter(content_object=information_request).update(
                    expires_at=grant_expiry(overdue_on)
                )
        if shows.endswith("answered"):
            request_services.information_request_answer(
                information_request=information_request, actor=partner, answer=DEMO_ANSWER
            )
        rows.append((referral.reference, shows))
    return rows
