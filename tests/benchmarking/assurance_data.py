"""A hand-checked year (April 2024 to March 2025) of the council's Channel and MASH records, for the assurance
figures; every count is worked out in the docstring of `assurance_year` and asserted in test_assurance_figures."""

from __future__ import annotations

import datetime

from django.utils import timezone

from channel.choices import ChannelStage
from channel.meetings.choices import DecisionRule, MemberView
from channel.models import (
    AgendaItem,
    Attendance,
    ChannelCase,
    ChannelConsent,
    ChannelDecision,
    Intervention,
    InterventionType,
    Meeting,
    Panel,
    PanelDecision,
    PanelMember,
    PostExitReview,
    VAFAssessment,
    VAFCatalogue,
)
from channel.support.choices import AssessmentOccasion, ConsentGivenBy, ConsentHow, ConsentOutcome
from mash.models import Assessment, InformationRequest, ScreeningOutcome, ScreeningReason
from referrals import services
from referrals.models import Referral
from tests.channel.steps import bring_to
from tests.mash.factories import organisation_in, partner_in
from tests.referrals.factories import information_gathering_referral, submitted_referral

TODAY = datetime.date(2025, 6, 1)  # the figures are counted as on this day (for what is overdue)
D = datetime.date


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def _screened(referrer, triage, submitted: datetime.date, due: datetime.date, outcome: datetime.date | None):
    referral = submitted_referral(user=referrer)
    Referral.objects.filter(pk=referral.pk).update(submitted_at=at(submitted))
    Assessment.objects.filter(referral=referral).update(screening_due_on=due)
    if outcome:
        row = ScreeningOutcome.objects.create(
            referral=referral, recorded_by=triage, reason=ScreeningReason.objects.first(), rationale="Screened."
        )
        ScreeningOutcome.objects.filter(pk=row.pk).update(created_at=at(outcome))
    return referral


def _channel_case(users, stage: str, listed: datetime.date) -> ChannelCase:
    referral = information_gathering_referral(user=users["referrer"], screener=users["triage_officer"])
    referral = services.referral_refer_to_channel(referral=referral, actor=users["triage_officer"])
    case = bring_to(ChannelCase.objects.select_related("referral").get(referral=referral), stage, users)
    ChannelCase.objects.filter(pk=case.pk).update(listed_at=at(listed))
    return case


def _decided(case: ChannelCase, transition: str, day: datetime.date) -> ChannelDecision:
    decision = ChannelDecision.objects.get(channel_case=case, transition=transition)
    ChannelDecision.objects.filter(pk=decision.pk).update(created_at=at(day))
    return decision


def _meetings(authority, users, other_authority, make_user) -> list[Meeting]:
    panel = Panel.objects.create(local_authority=authority, name="Testshire panel", police_force="Testshire Police")
    members = {
        key: PanelMember.objects.create(panel=panel, user=users[key], sector=sector)
        for key, sector in (("channel_chair", "local_authority"), ("police", "police"), ("panel_member", "health"))
    }
    meetings = [
        Meeting.objects.create(panel=panel, date=day) for day in (D(2024, 5, 15), D(2024, 9, 18), D(2025, 2, 12))
    ]
    Meeting.objects.create(panel=panel, date=D(2025, 5, 14))  # the next year
    statuses = [
        (meetings[0], {"channel_chair": "present", "police": "present", "panel_member": "present"}),
        (meetings[1], {"channel_chair": "present", "police": "apologies", "panel_member": "absent"}),
    ]
    for meeting, by_member in statuses:
        for key, status in by_member.items():
            Attendance.objects.create(meeting=meeting, member=members[key], status=status)
    other_panel = Panel.objects.create(local_authority=other_authority, name="Other panel", police_force="Other")
    other_meeting = Meeting.objects.create(panel=other_panel, date=D(2024, 6, 5))
    other_chair = make_user(other_authority, "channel_chair", "other-")
    Attendance.objects.create(
        meeting=other_meeting,
        member=PanelMember.objects.create(panel=other_panel, user=other_chair, sector="local_authority"),
        status="present",
    )
    return meetings


def _requests(referral, triage, partner) -> None:
    rows = [
        (D(2024, 6, 1), D(2024, 6, 10), "answered", D(2024, 6, 7)),
        (D(2024, 7, 1), D(2024, 7, 10), "answered", D(2024, 7, 12)),
        (D(2024, 8, 1), D(2024, 8, 9), "declined", D(2024, 8, 2)),
        (D(2025, 3, 20), D(2025, 3, 27), "open", None),
        (D(2025, 4, 2), D(2025, 4, 9), "answered", D(2025, 4, 3)),  # the next year
    ]
    for created, due, status, answered in rows:
        row = InformationRequest(
            referral=referral,
            organisation=partner.membership.organisation,
            addressee=partner,
            created_by=triage,
            question="Question.",
            due_on=due,
            status=status,
            answered_at=at(answered) if answered else None,
        )
        row.save(force_insert=True)
        InformationRequest.objects.filter(pk=row.pk).update(created_at=at(created))


def _support(c1: ChannelCase, c2: ChannelCase, c4: ChannelCase, users) -> None:
    chair, catalogue = users["channel_chair"], VAFCatalogue.objects.order_by("-version").first()
    for case, occasion, day in (
        (c1, AssessmentOccasion.ADOPTION, D(2024, 5, 15)),
        (c1, AssessmentOccasion.REVIEW, D(2024, 9, 18)),
    ):
        VAFAssessment.objects.create(
            channel_case=case, catalogue=catalogue, occasion=occasion, assessed_on=day, assessed_by=chair
        )
    for case, outcome, day in (
        (c1, ConsentOutcome.GIVEN, D(2024, 5, 20)),
        (c2, ConsentOutcome.REFUSED, D(2024, 9, 25)),
    ):
        ChannelConsent.objects.create(
            channel_case=case,
            outcome=outcome,
            given_by=ConsentGivenBy.PERSON,
            decided_on=day,
            how_obtained=ConsentHow.IN_PERSON,
            recorded_by=chair,
        )
    mentoring, other = InterventionType.objects.get(code="MENTORING"), InterventionType.objects.get(code="OTHER")
    plans = [
        (c1, mentoring, users["intervention_provider"], None, D(2024, 6, 1), D(2024, 5, 30)),
        (c1, other, None, chair, D(2024, 7, 1), D(2024, 7, 15)),
        (c4, other, None, chair, D(2025, 1, 10), None),
        (c1, other, None, chair, D(2025, 4, 15), None),  # the next year
    ]
    for case, kind, provider, owner, planned, started in plans:
        Intervention.objects.create(
            channel_case=case,
            intervention_type=kind,
            provider=provider,
            owner=owner,
            planned_start=planned,
            actual_start=started,
            created_by=chair,
        )


def assurance_year(authority, other_authority, users, make_user) -> dict:
    """The year 2024 (April 2024 to March 2025) as on 1 June 2025.

    Screening: 3 referrals submitted in the year (one more before it): screened by the due date (10 May, due
    13 May), screened late (14 June, due 10 June), not screened and overdue (due 10 March 2025).
    Meetings: 15 May 2024 (chair, police and the health member present), 18 September 2024 (chair present,
    police apologies, health absent), 12 February 2025 (no attendance recorded); one in May 2025 and another
    council's meeting do not count. So 3 held, 2 recorded, 2 with the chair, 1 quorate; 6 attendances: 4
    present, 1 apologies, 1 absent. One panel decision (15 May 2024).
    Information requests: 4 made in the year (answered on time, answered late, declined, open past its date).
    Channel: C1 listed 10 May 2024, adopted 15 May, VAF at adoption and at review (18 September), consent given
    20 May, exited 1 August 2024, 6-month review due Monday 3 February 2025 recorded 30 January (on time);
    C2 listed 1 September, adopted 18 September, consent refused, no VAF; C3 listed 1 November, not adopted;
    C4 listed and adopted in 2023, exited 3 June 2024: its 6-month review, due 3 December 2024, is missing.
    Interventions planned in the year: C1 by a provider (1 June, started 30 May), C1 by the chair (1 July,
    started 15 July: late), C4 (10 January 2025, not started); one planned for April 2025 does not count.
    """
    triage = users["triage_officer"]
    _screened(users["referrer"], triage, D(2024, 5, 6), D(2024, 5, 13), D(2024, 5, 10))
    _screened(users["referrer"], triage, D(2024, 6, 3), D(2024, 6, 10), D(2024, 6, 14))
    _screened(users["referrer"], triage, D(2025, 3, 3), D(2025, 3, 10), None)
    _screened(users["referrer"], triage, D(2024, 3, 28), D(2024, 4, 4), D(2024, 4, 2))
    meetings = _meetings(authority, users, other_authority, make_user)
    c1 = _channel_case(users, ChannelStage.POST_EXIT_REVIEW, D(2024, 5, 10))
    c2 = _channel_case(users, ChannelStage.CONSENT_REFUSED, D(2024, 9, 1))
    c3 = _channel_case(users, ChannelStage.NOT_ADOPTED, D(2024, 11, 1))
    c4 = _channel_case(users, ChannelStage.EXITED, D(2023, 11, 1))
    for case, day in ((c1, D(2024, 5, 15)), (c2, D(2024, 9, 18)), (c4, D(2023, 12, 1))):
        _decided(case, "adopt", day)
    _decided(c3, "not_adopt", D(2024, 11, 6))
    ChannelCase.objects.filter(pk=c1.pk).update(exited_at=at(D(2024, 8, 1)), consent_given_on=D(2024, 5, 20))
    ChannelCase.objects.filter(pk=c4.pk).update(exited_at=at(D(2024, 6, 3)), consent_given_on=D(2023, 12, 10))
    ChannelCase.objects.filter(pk=c2.pk).update(consent_given_on=None)
    # The 6-month review bring_to recorded (through its service, with its outcome), dated as of the exit above.
    PostExitReview.objects.filter(channel_case=c1, kind="six").update(
        exited_on=D(2024, 8, 1),
        due_on=D(2025, 2, 3),
        outcome="NO_CONCERNS",
        recorded_by=users["channel_chair"],
        created_at=at(D(2025, 1, 30)),
    )
    item = AgendaItem.objects.create(meeting=meetings[0], channel_case=c1, order=1)
    PanelDecision.objects.create(
        agenda_item=item,
        view=MemberView.ADOPT,
        rule=DecisionRule.UNANIMOUS,
        views_for=3,
        views_total=3,
        decided_by=users["channel_chair"],
    )
    partner = partner_in(authority, organisation_in(authority))
    _requests(c2.referral, triage, partner)
    _support(c1, c2, c4, users)
    return {"cases": (c1, c2, c3, c4), "meetings": meetings}
