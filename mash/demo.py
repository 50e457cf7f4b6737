"""Demo MASH cases (development only): a new case, an assigned one, an overdue one (its assignee reminded), one in
screening; the screening cases: a gateway check recorded, closed at screening, referred to Channel after
information gathering; and cases in information gathering with an open, an overdue and an answered request."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Role, User
from accounts.services.users import DEMO_AUTHORITIES, demo_email
from encryption.blind_index import person_index
from referrals import services as referral_services
from referrals.exceptions import ReferralInvalid
from referrals.models import Referral
from referrals.services.demo import DEMO_PERSON
from referrals.signals import referral_demo_dated_back

from .calendar import working_day_before, working_days_after
from .information_requests import services as request_services
from .information_requests.grants import grant_expiry
from .models import (
    Assessment,
    GatewayCheck,
    InformationRequest,
    InformationRequestUserObjectPermission,
    ScreeningOutcome,
)
from .screening import services as screening
from .screening.reminders import screening_decisions_remind_overdue
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
        reminded = ""
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
            reminded = ", its assignee reminded" if _remind_overdue_demo(referral) else ""
        rows.append((referral.reference, shows + reminded))
    return rows


def _remind_overdue_demo(referral: Referral) -> int:
    """What the weekday morning task does (mash/screening/reminders.py): the overdue case's assignee is e-mailed
    once, and the case's History shows it. As on the last working day, so a demo seeded at a weekend shows it."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    return screening_decisions_remind_overdue(today=working_day_before(tomorrow, referral.local_authority.nation))


# Screening (issue 13, points 3 and 5): made-up people again. Quinn is referred twice: the first case was closed
# at screening, the second is in screening with the police gateway check recorded and lists the first as a
# possible repeat referral. Harper went through information gathering and was referred to the Channel panel.
DEMO_SCREENING_CASES = (
    ("Quinn", "closed at screening (signposted to children's social care)", datetime.date(2010, 6, 12)),
    ("Quinn", "in screening, gateway check recorded, a possible repeat", datetime.date(2010, 6, 12)),
    ("Harper", "referred to the Channel panel after information gathering", datetime.date(1994, 9, 2)),
)
DEMO_SCREENING_FAMILY_NAME = "Screening-Demo"


def _submit_demo(
    referrer: User, given_name: str, date_of_birth: datetime.date, family_name: str = DEMO_SCREENING_FAMILY_NAME
) -> Referral:
    answers = DEMO_PERSON | {
        "given_name": given_name,
        "family_name": family_name,
        "date_of_birth": date_of_birth,
        "immediate_risk": "no",
    }
    if date_of_birth.year > CHILDREN_BORN_AFTER:
        answers |= DEMO_PARENT
    draft = referral_services.referral_draft_create(actor=referrer)
    referral_services.referral_draft_save(referral=draft, actor=referrer, answers=answers)
    return referral_services.referral_submit(referral=draft, actor=referrer)


def _screen_demo(referral: Referral, shows: str, triage: User, police: User) -> None:
    referral_assign(referral=referral, actor=triage, assignee=police)
    referral = referral_services.referral_start_screening(referral=referral, actor=triage)
    screening.gateway_check_record(
        referral=referral,
        actor=police,
        counter_terrorism=False,
        note="Demo: checks with Counter Terrorism Policing found no investigation.",
    )
    if shows.startswith("in screening"):
        return
    if shows.startswith("closed"):
        screening.screening_outcome_record(
            referral=referral,
            actor=triage,
            reason_code="SIGNPOSTED_CHILDRENS_SOCIAL_CARE",
            rationale="Demo: a safeguarding need, not a radicalisation concern; children's social care leads.",
        )
        return
    screening.screening_outcome_record(
        referral=referral,
        actor=triage,
        reason_code="PROCEED",
        rationale="Demo: the concern needs what partners know before a decision.",
    )
    screening.decision_record(
        referral=Referral.objects.get(pk=referral.pk),
        actor=triage,
        route="channel",
        summary="Demo: partners' answers show a vulnerability the Channel panel should assess.",
    )


def screening_demo_seed() -> list[tuple[str, str]]:
    """Submit and screen the screening demo cases once (found by Harper's person index); (reference, shows) rows."""
    _, _, last_birth = DEMO_SCREENING_CASES[-1]
    index = person_index(given_name="Harper", family_name=DEMO_SCREENING_FAMILY_NAME, date_of_birth=last_birth)
    if Referral.objects.filter(person_index=index).exists():
        return []
    referrer, triage, police = _users()
    rows = []
    for given_name, shows, date_of_birth in DEMO_SCREENING_CASES:
        referral = _submit_demo(referrer, given_name, date_of_birth)
        _screen_demo(referral, shows, triage, police)
        rows.append((referral.reference, shows))
    return rows


# --- Information requests (issue 13, point 8): cases in information gathering with an open, an overdue and an
# answered request, to the demo partner contributor (partner@example.org, Community Health Trust), who can
# sign in and answer the open ones.
REQUEST_CASES = (
    ("Ellis", "information gathering, request open", datetime.date(1994, 5, 12)),
    ("Sasha", "information gathering, request overdue", datetime.date(2010, 8, 2)),
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


def _gathering_case(
    given_name: str, date_of_birth: datetime.date, referrer: User, triage: User, police: User
) -> Referral:
    """Submitted, screened (gateway check, outcome: proceed) and so in information gathering, as the MASH would."""
    referral = _submit_demo(referrer, given_name, date_of_birth, DEMO_FAMILY_NAME)
    referral_assign(referral=referral, actor=triage, assignee=triage)
    referral = referral_services.referral_start_screening(referral=referral, actor=triage)
    screening.gateway_check_record(
        referral=referral, actor=police, counter_terrorism=False, note="Demo: no police-led investigation."
    )
    screening.screening_outcome_record(
        referral=referral,
        actor=triage,
        reason_code="PROCEED",
        rationale="Demo: partners may know more; ask them before deciding.",
    )
    return Referral.objects.get(pk=referral.pk)


# The overdue request's case happened this many days ago: submitted, screened and asked then, so the request's
# five working days ran out before today (and every date of the case still comes in the order it happened).
OVERDUE_REQUEST_DAYS_AGO = 10


def _dated_back(referral: Referral, information_request: InformationRequest, *, days: int) -> None:
    """Demo only: every date of the case moved back `days` days together (so they keep their order), its
    screening due date worked out again from the moved submission, and its request due five working days after it
    was asked; the partner's access follows the due date (it still has a few days to run)."""
    back = datetime.timedelta(days=days)
    stamps = ("created_at", "submitted_at", "screening_started_at", "information_gathering_started_at")
    information_request.refresh_from_db(fields=["created_at"])
    asked = information_request.created_at - back
    nation = referral.local_authority.nation
    # Over bank holidays five working days may not have run out yet: then it fell due the last working day.
    due_on = min(working_days_after(asked.date(), 5, nation), working_day_before(timezone.localdate(), nation))
    with transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(**{stamp: F(stamp) - back for stamp in stamps})
        # The apps that keep dates of their own about the case follow (mash's screening due date among them).
        referral_demo_dated_back.send(sender=Referral, referral_id=referral.pk)
        Assessment.objects.filter(referral=referral).update(assigned_at=F("assigned_at") - back)
        for model in (GatewayCheck, ScreeningOutcome):
            model.objects.filter(referral=referral).update(created_at=F("created_at") - back)
        InformationRequest.objects.filter(pk=information_request.pk).update(
            created_at=asked, notified_at=asked, due_on=due_on
        )
        InformationRequestUserObjectPermission.objects.filter(content_object=information_request).update(
            created_at=asked, expires_at=grant_expiry(due_on)
        )


def information_requests_demo_seed() -> list[tuple[str, str]]:
    """Three cases in information gathering, each with one request in a different state (idempotent)."""
    first_name, _, birth = REQUEST_CASES[0]
    index = person_index(given_name=first_name, family_name=DEMO_FAMILY_NAME, date_of_birth=birth)
    if Referral.objects.filter(person_index=index).exists():
        return []
    referrer, triage, police = _users()
    partner = _partner()
    rows = []
    for given_name, shows, date_of_birth in REQUEST_CASES:
        referral = _gathering_case(given_name, date_of_birth, referrer, triage, police)
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
            _dated_back(referral, information_request, days=OVERDUE_REQUEST_DAYS_AGO)
        if shows.endswith("answered"):
            request_services.information_request_answer(
                information_request=information_request, actor=partner, answer=DEMO_ANSWER
            )
        rows.append((referral.reference, shows))
    return rows
