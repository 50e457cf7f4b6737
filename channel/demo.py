"""Demo Channel cases (development only): one case in each of several Channel stages, reached through the
services, and the demo council's panel (the panel's meetings and agenda come with the meetings pages)."""

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
from referrals.signals import referral_demo_dated_back

from .choices import ExitReason
from .meetings.demo import HELD_DAYS_AGO, demo_meetings_seed, demo_panels_seed
from .models import ChannelCase, ChannelConsent, ChannelDecision, Intervention
from .services import channel_case_transition
from .support.demo import support_demo_seed

# Made-up people (no real person): each name is one demo case of the first demo council, and the steps
# (transition, who takes it) that bring it to the stage it shows.
DEMO_CASES = (
    ("Alex", "listed", ()),
    ("Sam", "awaiting consent (adopted at last week's panel meeting)", ()),
    # Consent, the support plan and the exit come from Channel support's demo (channel/support/demo.py).
    ("Jamie", "supported, mentoring not started", (("adopt", "chair"),)),
    ("Robin", "exited, post-exit reviews at 6 and 12 months to come", (("adopt", "chair"),)),
    ("Kit", "consent refused", (("adopt", "chair"),)),
)
# When each demo case reached each point, in days before the day it is seeded, in the order a case goes: its
# referral submitted and screened (SCREENED_IN days before listing), listed for the panel, adopted (Sam at the
# meeting held a week ago, channel/meetings/demo.py), consent answered, the support plan (the mentoring's planned
# start, its end), a VAF at a review, the exit. The records are made today through the services and then dated
# back (demo only; the audit trail keeps the day they were really written).
TIMELINE: dict[str, dict[str, int]] = {
    "Alex": {"listed": 3},
    "Sam": {"listed": 21, "adopted": HELD_DAYS_AGO},
    "Jamie": {"listed": 49, "adopted": 35, "consent": 28, "planned": 5},
    "Kit": {"listed": 49, "adopted": 35, "consent": 28},
    "Robin": {
        "listed": 120,
        "adopted": 100,
        "consent": 93,
        "planned": 86,
        "ended": 30,
        "review": HELD_DAYS_AGO,
        "exited": 2,
    },
}
SCREENED_IN = 12
DEMO_FAMILY_NAME = "Channel-Demo"
DEMO_BIRTH = datetime.date(1999, 5, 17)
NOTES = {
    "adopt": "Demo: the panel found vulnerability and agreed to offer support.",
    "record_consent_given": "Demo: consent given at a meeting with the person.",
    "record_consent_refused": "Demo: the person declined support for now.",
    "exit": "Demo: vulnerability significantly reduced after mentoring.",
}


def _users() -> dict[str, User]:
    prefix = DEMO_AUTHORITIES[0].email_prefix
    roles = {
        "referrer": Role.REFERRER,
        "triage": Role.TRIAGE_OFFICER,
        "chair": Role.CHANNEL_CHAIR,
        "panel": Role.PANEL_MEMBER,
        "police": Role.POLICE_PREVENT_OFFICER,
        "provider": Role.INTERVENTION_PROVIDER,
    }
    emails = {key: demo_email(role, prefix) for key, role in roles.items()}
    found = {user.email: user for user in User.objects.filter(email__in=emails.values(), is_active=True)}
    if len(found) != len(emails):
        raise ReferralInvalid({"referrer": ["Run seed_demo first: the demo users do not exist"]})
    return {key: found[email] for key, email in emails.items()}


def _step_inputs(transition: str) -> dict[str, object]:
    today = timezone.localdate()
    inputs: dict[str, object] = {"note": NOTES.get(transition, "")}
    if transition in ("record_consent_given", "record_consent_refused"):
        inputs["consent_date"] = today
    if transition == "record_consent_refused":
        inputs["reassess_on"] = today + datetime.timedelta(days=90)
    if transition == "exit":
        inputs["reason_code"] = ExitReason.VULNERABILITY_REDUCED
    return inputs


def channel_demo_seed() -> list[tuple[str, str]]:
    """Hand the demo cases to Channel once (found by the person index); returns (reference, stage) rows."""
    first_name = DEMO_CASES[0][0]
    index = person_index(given_name=first_name, family_name=DEMO_FAMILY_NAME, date_of_birth=DEMO_BIRTH)
    if Referral.objects.filter(person_index=index).exists():
        return []
    users = _users()  # before any case: without the demo users, nothing is written
    panels = demo_panels_seed()  # one for each demo council
    cases = {}
    rows = []
    for given_name, shows, steps in DEMO_CASES:
        answers = DEMO_PERSON | {"given_name": given_name, "family_name": DEMO_FAMILY_NAME, "date_of_birth": DEMO_BIRTH}
        draft = referral_services.referral_draft_create(actor=users["referrer"])
        referral_services.referral_draft_save(referral=draft, actor=users["referrer"], answers=answers)
        referral = referral_services.referral_submit(referral=draft, actor=users["referrer"])
        referral = referral_services.referral_start_screening(referral=referral, actor=users["triage"])
        referral = referral_services.referral_start_information_gathering(referral=referral, actor=users["triage"])
        referral = referral_services.referral_refer_to_channel(referral=referral, actor=users["triage"])
        channel_case = ChannelCase.objects.select_related("referral").get(referral=referral)
        for transition, who in steps:
            channel_case_transition(
                channel_case=channel_case, actor=users[who], transition=transition, **_step_inputs(transition)
            )
        if steps:  # Sam is adopted at the demo's past meeting, below, and then assessed
            _date_back_referral(channel_case, TIMELINE[given_name])
            support_demo_seed(channel_case, given_name, users, TIMELINE[given_name])
        rows.append((referral.reference, shows))
        cases[given_name] = channel_case
    demo_meetings_seed(panel=panels[0], decided=cases["Sam"], agenda=[cases["Alex"], cases["Jamie"]], users=users)
    cases["Sam"].refresh_from_db()
    _date_back_referral(cases["Sam"], TIMELINE["Sam"])
    support_demo_seed(cases["Sam"], "Sam", users, TIMELINE["Sam"])
    for given_name, channel_case in cases.items():
        _date_back(channel_case, TIMELINE[given_name])
    return rows


def _at(days_ago: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def _date_back_referral(channel_case: ChannelCase, days: dict[str, int]) -> None:
    """Demo only: the referral received on its TIMELINE day before support is seeded, whose assessments and
    consent must come after it (channel/support/common.py: case_date_errors)."""
    listed = days["listed"]
    Referral.objects.filter(pk=channel_case.referral_id).update(
        created_at=_at(listed + SCREENED_IN, 9),
        submitted_at=_at(listed + SCREENED_IN),
        screening_started_at=_at(listed + SCREENED_IN - 1),
        information_gathering_started_at=_at(listed + SCREENED_IN - 3),
        referred_to_channel_at=_at(listed),
    )
    channel_case.referral.refresh_from_db(fields=["submitted_at"])


def _date_back(channel_case: ChannelCase, days: dict[str, int]) -> None:
    """Demo only: the case's dates moved back to its TIMELINE, so the referral comes before the listing, the
    listing before the panel's decision, and each step is recorded on the day it shows."""
    listed = days["listed"]
    with transaction.atomic():
        _date_back_referral(channel_case, days)
        referral_demo_dated_back.send(sender=Referral, referral_id=channel_case.referral_id)
        dates = {"created_at": _at(listed), "listed_at": _at(listed)}
        steps = {"adopt": days.get("adopted"), "exit": days.get("exited")}
        steps |= dict.fromkeys(("record_consent_given", "record_consent_refused"), days.get("consent"))
        if "adopted" in days:
            dates["decided_at"] = _at(days["adopted"], 11)
        if "exited" in days:
            dates["exited_at"] = _at(days["exited"], 11)
        ChannelCase.objects.filter(pk=channel_case.pk).update(**dates)
        for transition, days_ago in steps.items():
            if days_ago is not None:
                at = _at(days_ago, 11)
                ChannelDecision.objects.filter(channel_case=channel_case, transition=transition).update(
                    created_at=at, updated_at=at
                )
        if "consent" in days:
            ChannelConsent.objects.filter(channel_case=channel_case).update(created_at=_at(days["consent"], 11))
            # The support plan is agreed the day consent is given: its interventions were added then (the
            # statistics count a late start from the later of that day and the planned start).
            added = _at(days["consent"], 12)
            Intervention.objects.filter(channel_case=channel_case).update(created_at=added, updated_at=added)
