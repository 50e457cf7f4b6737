"""Information-request timeliness, interventions on time, late or never, panel attendance by sector, and the
national figures: counted from clear columns, the same before and after a purge."""

from __future__ import annotations

import datetime

import pytest

from benchmarking import disclosure
from benchmarking.statistics import Period, compute
from channel.models import Attendance, ChannelCase, Intervention, InterventionType, Meeting, Panel, PanelMember
from closure.activity import intervention_category, request_category
from closure.models import Tombstone
from closure.services.purge import case_purge
from mash.models import InformationRequest
from tests.benchmarking.conftest import YEAR, at, move
from tests.channel.conftest import _channel_reference_data  # noqa: F401 - fixture
from tests.mash.factories import organisation_in, partner_in

pytestmark = pytest.mark.django_db
D = datetime.date


def figures(authority):
    stats = disclosure.apply(compute(authority, Period.financial_year(YEAR)), limit=0)
    return {table.key: {code: count for code, _, count in table.rows if count} for table in stats.tables}, [
        (t.stage, t.cases, t.median, t.p90) for t in stats.timings
    ]


@pytest.fixture
def busy_purgeable(year_of_cases, transferred_case, triage_officer):
    """The closure's transferred case, in the year, with three information requests and two interventions."""
    move(
        transferred_case,
        submitted_at=at(D(2024, 9, 2)),
        screening_started_at=at(D(2024, 9, 4)),
        closed_at=at(D(2024, 9, 30)),
    )
    organisation = organisation_in(year_of_cases)
    partner = partner_in(year_of_cases, organisation)
    common = {"referral": transferred_case, "organisation": organisation, "addressee": partner}
    requests = [
        ("answered", D(2024, 9, 10), at(D(2024, 9, 9))),  # on time: 3 working days after the request
        ("answered", D(2024, 9, 10), at(D(2024, 9, 12))),  # late: 6 working days
        ("open", D(2024, 9, 20), None),  # never answered, the case closed: overdue (with the canary request)
    ]
    for status, due_on, answered_at in requests:
        row = InformationRequest.objects.create(
            **common, created_by=triage_officer, question="Q?", due_on=due_on, status=status, answered_at=answered_at
        )
        InformationRequest.objects.filter(pk=row.pk).update(created_at=at(D(2024, 9, 4)))
    channel_case = ChannelCase.objects.create(referral=transferred_case)
    kind = InterventionType.objects.get(code="MENTORING")
    for actual_start in (D(2024, 9, 16), None):  # started on time; never started (the case closed)
        row = Intervention.objects.create(
            channel_case=channel_case,
            intervention_type=kind,
            owner=triage_officer,
            planned_start=D(2024, 9, 9),
            actual_start=actual_start,
            created_by=triage_officer,
        )
        Intervention.objects.filter(pk=row.pk).update(created_at=at(D(2024, 9, 5)))
    return transferred_case


def test_requests_and_interventions_count_the_same_after_a_purge(year_of_cases, busy_purgeable):
    before, before_timings = figures(year_of_cases)
    case_purge(reference=busy_purgeable.reference, actor=None, via="schedule")
    after, after_timings = figures(year_of_cases)
    assert before["requests"] == {"on_time": 1, "late": 1, "overdue": 2}
    assert before["interventions"] == {"on_time": 1, "never": 1}
    answer = next(t for t in before_timings if t[0] == "days_to_answer")
    assert answer == ("days_to_answer", 2, 4.5, 6)  # 3 and 6 working days
    assert after == before
    assert after_timings == before_timings
    tombstone = Tombstone.objects.get(referral_month=D(2024, 9, 1))
    assert tombstone.activity == {
        "requests": {"on_time": 1, "late": 1, "overdue": 2},
        "answer_days": [3, 6],
        "interventions": {"on_time": 1, "never": 1},
    }
    assert not InformationRequest.objects.exists()


def test_request_and_intervention_rules():
    today = D(2025, 1, 10)
    row = {"status": "open", "due_on": D(2025, 1, 9), "answered_at": None}
    assert request_category(row, closed=False, today=today) == "overdue"
    assert request_category({**row, "due_on": D(2025, 1, 13)}, closed=False, today=today) == "pending"
    assert request_category({**row, "due_on": D(2025, 1, 13)}, closed=True, today=today) == "overdue"
    assert request_category({**row, "status": "withdrawn"}, closed=False, today=today) == "withdrawn"
    declined = {**row, "status": "declined", "answered_at": at(D(2025, 1, 8))}
    assert request_category(declined, closed=False, today=today) == "declined"
    added = {"created_at": at(D(2024, 12, 2)), "planned_start": D(2024, 12, 2), "ended_on": None}
    # Ten working days after Monday 2 December: Monday 16 December.
    assert (
        intervention_category({**added, "actual_start": D(2024, 12, 16)}, over=False, today=today, nation="england")
        == "on_time"
    )
    assert (
        intervention_category({**added, "actual_start": D(2024, 12, 17)}, over=False, today=today, nation="england")
        == "late"
    )
    assert (
        intervention_category({**added, "actual_start": None}, over=False, today=today, nation="england") == "overdue"
    )
    assert intervention_category({**added, "actual_start": None}, over=True, today=today, nation="england") == "never"
    early = {**added, "actual_start": None}
    assert intervention_category(early, over=False, today=D(2024, 12, 10), nation="england") == "pending"


def test_panel_attendance_by_sector_counts_the_periods_meetings(local_authority, make_user):
    panel = Panel.objects.create(local_authority=local_authority, name="Panel", police_force="Testshire Police")
    members = [
        PanelMember.objects.create(
            panel=panel, user=make_user(local_authority, "panel_member", f"m{i}-"), sector=sector
        )
        for i, sector in enumerate(("police", "health", "education"))
    ]
    for day, statuses in ((D(2024, 6, 5), ("present", "present", "apologies")), (D(2025, 4, 2), ("present",) * 3)):
        meeting = Meeting.objects.create(panel=panel, date=day)
        for member, status in zip(members, statuses, strict=True):
            Attendance.objects.create(meeting=meeting, member=member, status=status)
    stats = compute(local_authority, Period.financial_year(YEAR))
    expected = {code: count for code, _, count in stats.table("attendance_expected").rows if count}
    present = {code: count for code, _, count in stats.table("attendance_present").rows if count}
    assert expected == {"police": 1, "health": 1, "education": 1}  # the April 2025 meeting is the next year's
    assert present == {"police": 1, "health": 1}
    assert stats.table("attendance_present").unit == "Members present"


def test_the_national_figures_sit_beside_the_councils(local_authority):
    stats = compute(local_authority, Period.financial_year(2023))
    outcome, sector = stats.table("outcome"), stats.table("sector")
    assert outcome.national["discussed_at_panel"] == "893 (12.9% of referrals)"
    assert outcome.national["adopted"] == "512 (7.4% of referrals)"
    assert outcome.national["total"] == sector.national["total"] == "6,922"
    assert sector.national["education"] == "2,788 (40.3% of referrals)"
    assert sector.national["police"] == "1,921 (27.8% of referrals)"
    assert "April 2023 to March 2024" in sector.national_source
    assert outcome.national["police_led"] == "Not available"
    next_year = compute(local_authority, Period.financial_year(2024))
    assert next_year.table("sector").national["total"] == "8,778"
    assert next_year.table("sector").national["education"] == "3,129 (35.6% of referrals)"
    assert next_year.table("concern").national["extreme_right_wing"] == "1,798 (20.5% of referrals)"
    assert next_year.table("concern").national["unsure"] == "Not available"
    assert (
        compute(local_authority, Period.financial_year(2022)).table("gender").national["male"]
        == "6,125 (89.8% of referrals)"
    )
    later = compute(local_authority, Period.financial_year(2025)).table("sector")
    assert set(later.national.values()) == {"Not published"}
    assert not stats.table("month").national


def test_the_activity_tables_decrypt_nothing(year_of_cases, busy_purgeable, monkeypatch):
    from encryption.fields import EncryptedFieldMixin

    opened = []
    original = EncryptedFieldMixin.open_sealed

    def counting(self, instance, data):
        opened.append(self.name)
        return original(self, instance, data)

    monkeypatch.setattr(EncryptedFieldMixin, "open_sealed", counting)
    before, _ = figures(year_of_cases)
    assert before["interventions"] == {"on_time": 1, "never": 1}
    assert opened == []
