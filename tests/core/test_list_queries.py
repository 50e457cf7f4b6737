"""Every list page runs a number of queries that does not grow with its rows (issue 17, point 3).

Each page is measured with a couple of rows, then with more than twenty (of every kind the page shows:
several actors, roles, organisations, stages), and must run exactly as many statements. The MASH queue
has its own, per tab and page size: tests/mash/test_queue.py.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.services import user_create_with_membership, user_invite
from audit import services as audit
from tests.conftest import TEST_PASSWORD
from tests.mash.factories import QUESTION, next_working_day, organisation_in, partner_in
from tests.referrals.factories import information_gathering_referral

pytestmark = pytest.mark.django_db

MANY = 22


def _queries(client, url: str, params: dict | None = None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(captured), response.content.decode()


def _constant(client, url: str, grow, *, params: dict | None = None, marker: str = "") -> None:
    """Queries with the rows there now == queries after grow() adds more than twenty; the rows are on the page."""
    few, body = _queries(client, url, params)
    grow()
    many, body = _queries(client, url, params)
    if marker:
        assert body.count(marker) > MANY - 2, f"the page does not show the rows added ({body.count(marker)})"
    assert many == few, f"{url}: {few} queries with a few rows, {many} with more than {MANY}"


# --- audit: search, a case's access report, a user's activity ---------------------------------------


def _events(actors, *, reference: str, count: int) -> None:
    for number in range(count):
        actor = actors[number % len(actors)]
        audit.record(
            actor=actor,
            action=audit.AuditAction.REFERRAL_DRAFT_SAVED if number % 2 else audit.AuditAction.CASE_CONTENT_READ,
            case_reference=reference,
            details={"fields_changed": number} if number % 2 else {},
        )


@pytest.fixture
def actors(local_authority, triage_officer, police_prevent_officer, referrer):
    extra = [
        user_create_with_membership(
            email=f"staff{number}@test.example.org",
            password=TEST_PASSWORD,
            local_authority=local_authority,
            role=(Role.TRIAGE_OFFICER, Role.REFERRER, Role.PANEL_MEMBER)[number % 3],
        )
        for number in range(6)
    ]
    return [triage_officer, police_prevent_officer, referrer, *extra]


def test_audit_search(client, auditor, actors):
    reference = "PRV-2026-000451"
    _events(actors[:2], reference=reference, count=2)
    client.force_login(auditor)
    _constant(
        client,
        reverse("audit:event-search"),
        lambda: _events(actors, reference=reference, count=MANY * 2),
        params={"case_reference": reference},
        marker="staff",
    )


def test_a_cases_access_report(client, auditor, actors):
    reference = "PRV-2026-000452"
    _events(actors[:1], reference=reference, count=2)
    client.force_login(auditor)
    _constant(
        client,
        reverse("audit:case-access", args=[reference]),
        lambda: _events(actors, reference=reference, count=MANY * 2),
    )


def test_a_users_activity(client, auditor, triage_officer):
    _events([triage_officer], reference="PRV-2026-000453", count=2)
    client.force_login(auditor)
    _constant(
        client,
        reverse("audit:user-activity", args=[triage_officer.pk]),
        lambda: [_events([triage_officer], reference=f"PRV-2026-0005{n:02d}", count=2) for n in range(MANY)],
    )


# --- the Prevent lead's users list --------------------------------------------------------------------


def test_the_users_list(client, prevent_lead, local_authority, triage_officer):
    client.force_login(prevent_lead)

    def grow():
        organisations = [organisation_in(local_authority, name=f"Trust {n}") for n in range(3)]
        for number in range(MANY):
            if number % 3 == 0:
                partner_in(local_authority, organisations[number % 3], prefix=f"p{number}-")
            else:
                user_create_with_membership(
                    email=f"colleague{number}@test.example.org",
                    password=TEST_PASSWORD,
                    local_authority=local_authority,
                    role=(Role.TRIAGE_OFFICER, Role.CHANNEL_CHAIR, Role.AUDITOR)[number % 3],
                )
        for number in range(4):
            user_invite(actor=prevent_lead, email=f"invited{number}@test.example.org", role=Role.PANEL_MEMBER)

    _constant(client, reverse("accounts:user-list"), grow, marker="@")


# --- information requests: the partner's list, their home page, the case's section -------------------


def _requests(referral, triage, partner, count: int) -> None:
    from mash.information_requests import services

    for number in range(count):
        services.information_request_create(
            referral=referral,
            actor=triage,
            organisation=partner.membership.organisation,
            addressee=partner,
            question=QUESTION,
            due_on=next_working_day(referral.local_authority, timezone.localdate() + datetime.timedelta(days=number)),
        )


@pytest.fixture
def partner(local_authority):
    return partner_in(local_authority, organisation_in(local_authority))


@pytest.fixture
def gathering_cases(referrer, triage_officer):
    return [information_gathering_referral(user=referrer, screener=triage_officer) for _ in range(3)]


def _grow_requests(gathering_cases, triage_officer, partner):
    def grow():
        for number, referral in enumerate(gathering_cases):
            _requests(referral, triage_officer, partner, MANY // len(gathering_cases) + (number == 0))

    return grow


def test_the_partners_request_list(client, partner, gathering_cases, triage_officer):
    _requests(gathering_cases[0], triage_officer, partner, 2)
    client.force_login(partner)
    _constant(
        client,
        reverse("requests:request-list"),
        _grow_requests(gathering_cases, triage_officer, partner),
        marker='href="/requests/',
    )


def test_the_partners_home_page(client, partner, gathering_cases, triage_officer):
    _requests(gathering_cases[0], triage_officer, partner, 2)
    client.force_login(partner)
    _constant(
        client, reverse("home"), _grow_requests(gathering_cases, triage_officer, partner), marker='href="/requests/'
    )


def test_the_cases_information_requests_section(client, partner, gathering_cases, triage_officer, local_authority):
    referral = gathering_cases[0]
    _requests(referral, triage_officer, partner, 2)
    others = [partner_in(local_authority, organisation_in(local_authority, f"Trust {n}"), f"o{n}-") for n in range(3)]
    client.force_login(triage_officer)
    url = reverse("referrals:referral-section", args=[referral.reference, "information-requests"])

    def grow():
        for addressee in [partner, *others]:
            _requests(referral, triage_officer, addressee, MANY // 4 + 1)

    _constant(client, url, grow, marker="Withdraw")


# --- the Channel case list ----------------------------------------------------------------------------


def test_the_channel_case_list(client, referrer, triage_officer, channel_chair):
    from referrals import services

    def hand_over(count: int) -> None:
        for _ in range(count):
            referral = information_gathering_referral(user=referrer, screener=triage_officer)
            services.referral_refer_to_channel(referral=referral, actor=triage_officer)

    hand_over(2)
    client.force_login(channel_chair)
    _constant(client, reverse("channel:case-list"), lambda: hand_over(MANY), marker="PRV-")


# --- Channel meetings (a panel's meetings, a meeting's agenda) and a provider's interventions ------------


def _channel_cases(referrer, triage_officer, count: int) -> list:
    from channel.models import ChannelCase
    from referrals import services

    cases = []
    for _ in range(count):
        referral = information_gathering_referral(user=referrer, screener=triage_officer)
        services.referral_refer_to_channel(referral=referral, actor=triage_officer)
        cases.append(ChannelCase.objects.select_related("referral").get(referral=referral))
    return cases


@pytest.fixture
def panel(local_authority, channel_chair, police_prevent_officer):
    from channel.models import Panel, PanelMember

    panel = Panel.objects.create(local_authority=local_authority, name="Panel", chair=channel_chair, police_force="X")
    for user, sector in ((channel_chair, "local_authority"), (police_prevent_officer, "police")):
        PanelMember.objects.create(panel=panel, user=user, sector=sector)
    return panel


def test_a_panels_meetings(client, channel_chair, panel):
    from channel.models import Meeting

    today = timezone.localdate()

    def meetings(first: int, count: int) -> None:
        for number in range(first, first + count):  # past and coming meetings, a week apart
            Meeting.objects.create(panel=panel, date=today + datetime.timedelta(days=7 * (number - 12)))

    meetings(0, 2)
    client.force_login(channel_chair)
    url = reverse("channel:panel-detail", args=[panel.pk])
    _constant(client, url, lambda: meetings(2, MANY), marker="/channel/meetings/")


def test_a_meetings_agenda(client, channel_chair, panel, referrer, triage_officer):
    from channel.meetings import services as meetings

    meeting = meetings.meeting_create(panel=panel, actor=channel_chair, date=timezone.localdate())

    def add(count: int) -> None:
        for channel_case in _channel_cases(referrer, triage_officer, count):
            meetings.agenda_item_add(meeting=meeting, actor=channel_chair, channel_case=channel_case)

    add(2)
    client.force_login(channel_chair)
    _constant(client, reverse("channel:meeting-detail", args=[meeting.pk]), lambda: add(MANY), marker="PRV-")


def test_a_providers_interventions(  # noqa: PLR0917 - fixtures
    client, channel_chair, prevent_lead, referrer, triage_officer, local_authority
):
    from accounts.services import user_create_with_membership as make
    from channel.models import InterventionType
    from channel.support.plan import intervention_create
    from tests.channel.steps import bring_to
    from tests.channel.support.reference import channel_reference_seed

    channel_reference_seed()
    provider = make(
        email="ip@test.example.org",
        password=TEST_PASSWORD,
        local_authority=local_authority,
        role=Role.INTERVENTION_PROVIDER,
    )
    mentoring = InterventionType.objects.get(code="MENTORING")
    users = {"channel_chair": channel_chair, "triage_officer": triage_officer, "prevent_lead": prevent_lead}

    def add(count: int) -> None:
        for channel_case in _channel_cases(referrer, triage_officer, count):
            supported = bring_to(channel_case, "supported", users)
            late = timezone.localdate() - datetime.timedelta(days=count % 3)  # some late, some due today
            intervention_create(
                channel_case=supported,
                actor=channel_chair,
                intervention_type=mentoring,
                planned_start=late,
                provider=provider,
            )

    add(2)
    client.force_login(provider)
    _constant(client, reverse("channel:provider-home"), lambda: add(MANY), marker="/channel/provider/")


# --- the referrer's own referrals, and a case's history -----------------------------------------------


def test_the_referrers_own_referrals(client, referrer):
    from tests.referrals.factories import draft_referral, submitted_referral

    submitted_referral(user=referrer)
    draft_referral(user=referrer)
    client.force_login(referrer)

    def grow():
        for number in range(MANY):
            (draft_referral if number % 3 == 0 else submitted_referral)(user=referrer, given_name=f"R{number}")

    _constant(client, reverse("referrals:my-referrals"), grow, marker='href="/referrals/')


def test_a_cases_history(client, referrer, triage_officer, actors):
    referral = information_gathering_referral(user=referrer, screener=triage_officer)
    client.force_login(triage_officer)
    url = reverse("referrals:referral-section", args=[referral.reference, "history"])
    _constant(
        client, url, lambda: _events(actors, reference=referral.reference, count=MANY * 2), marker="moj-timeline__item"
    )
