"""The queue: tabs, sort, flags, paging; nothing decrypted; a constant number of queries."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mash import selectors, services
from mash.models import Assessment
from referrals import services as referral_services
from referrals.models import Referral
from tests.referrals.factories import (
    child_answers,
    draft_referral,
    information_gathering_referral,
    screening_referral,
    submitted_referral,
)

pytestmark = pytest.mark.django_db


def test_the_queue_keeps_its_address_and_name():
    assert reverse("referrals:referral-queue") == "/referrals/queue/"


def _references(client, **params) -> list[str]:
    response = client.get(reverse("referrals:referral-queue"), params)
    assert response.status_code == 200
    return [row.reference for row in response.context["page"].object_list]


def test_each_tab_lists_its_cases(client, referrer, triage_officer, police_prevent_officer):
    new = submitted_referral(user=referrer)
    screening = screening_referral(user=referrer, screener=triage_officer, given_name="Bea")
    gathering = information_gathering_referral(user=referrer, screener=triage_officer, given_name="Cy")
    late = submitted_referral(user=referrer, given_name="Di")
    Assessment.objects.filter(referral=late).update(screening_due_on=datetime.date(2020, 1, 6))
    services.referral_assign(referral=gathering, actor=triage_officer, assignee=police_prevent_officer)
    client.force_login(police_prevent_officer)
    assert set(_references(client)) == {new.reference, screening.reference, gathering.reference, late.reference}
    assert set(_references(client, tab="new")) == {new.reference, late.reference}
    assert _references(client, tab="screening") == [screening.reference]
    assert _references(client, tab="information-gathering") == [gathering.reference]
    assert _references(client, tab="with-channel") == []
    assert _references(client, tab="overdue") == [late.reference]
    assert _references(client, tab="mine") == [gathering.reference]
    assert _references(client, sort="due")[0] == late.reference
    assert _references(client, sort="oldest")[0] == new.reference
    assert _references(client, sort="newest")[-1] == new.reference
    body = client.get(reverse("referrals:referral-queue"), {"tab": "overdue"}).content.decode()
    assert "Overdue" in body
    assert "6 Jan 2020" in body


def test_flags_show_without_decrypting(client, referrer, triage_officer):
    referral = draft_referral(user=referrer)
    referral = referral_services.referral_draft_save(
        referral=referral, actor=referrer, answers=child_answers(immediate_risk="yes")
    )
    referral_services.referral_attachment_add(
        referral=referral, actor=referrer, fileobj=io.BytesIO(b"%PDF-1.4 q"), filename="a.pdf", size=10
    )
    flagged = referral_services.referral_submit(referral=referral, actor=referrer)
    Referral.objects.filter(pk=flagged.pk).update(possible_repeat_count=1)
    plain = submitted_referral(user=referrer, given_name="Bea")
    client.force_login(triage_officer)
    response = client.get(reverse("referrals:referral-queue"))
    rows = {row.reference: row for row in response.context["page"].object_list}
    assert "given_name" not in rows[plain.reference].__dict__  # no personal field is even loaded
    body = response.content.decode()
    for flag in ("Immediate risk", "Under 18", "Possible repeat", "Attachments"):
        assert body.count(f">{flag}</strong>") == 1, flag
    assert "Alex" not in body
    assert "Bea" not in body
    assert rows[flagged.reference].has_attachments
    assert not rows[plain.reference].has_attachments


def test_other_councils_cases_and_other_roles(client, referrer, other_triage_officer, auditor):
    own = submitted_referral(user=referrer)
    for user in (other_triage_officer, auditor):
        client.force_login(user)
        assert own.reference not in client.get(reverse("referrals:referral-queue")).content.decode()
    assert not selectors.queue_list(user=auditor).exists()


def test_pages_of_the_chosen_size(client, referrer, triage_officer):
    for number in range(27):
        submitted_referral(user=referrer, given_name=f"P{number}")
    client.force_login(triage_officer)
    assert len(_references(client)) == 25
    assert len(_references(client, page=2)) == 2
    assert len(_references(client, per_page=50)) == 27
    assert len(_references(client, per_page=7)) == 25  # only the offered sizes


def _queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("referrals:referral-queue"), params).status_code == 200
    return len(captured)


def _fill(referrer, triage_officer, police_prevent_officer, count: int) -> None:
    have = Referral.objects.exclude(status="draft").count()
    for number in range(have, count):
        referral = submitted_referral(user=referrer, given_name=f"Q{number}")
        if number % 2:
            services.referral_assign(referral=referral, actor=triage_officer, assignee=police_prevent_officer)
        if number % 3 == 0:
            referral_services.referral_attachment_add(
                referral=referral, actor=referrer, fileobj=io.BytesIO(b"%PDF-1.4 q"), filename="a.pdf", size=10
            )


def test_the_number_of_queries_grows_with_neither_the_table_nor_the_page(
    client, referrer, triage_officer, police_prevent_officer
):
    client.force_login(triage_officer)
    _fill(referrer, triage_officer, police_prevent_officer, 10)
    small = {tab: _queries(client, tab=tab, per_page=25) for tab in selectors.TAB_SLUGS}
    _fill(referrer, triage_officer, police_prevent_officer, 60)
    assert {tab: _queries(client, tab=tab, per_page=25) for tab in selectors.TAB_SLUGS} == small
    assert {tab: _queries(client, tab=tab, per_page=50) for tab in selectors.TAB_SLUGS} == small
    assert _queries(client, sort="due", per_page=50) == _queries(client, sort="oldest", per_page=25) == small["all"]


def test_a_page_out_of_range_or_not_a_number(client, referrer, triage_officer):
    only = submitted_referral(user=referrer)
    client.force_login(triage_officer)
    assert _references(client, page="x") == [only.reference]
    assert _references(client, page="-1") == [only.reference]
    assert _references(client, page="2") == []
    assert (
        "There are no referrals you can see."
        in client.get(reverse("referrals:referral-queue"), {"page": 9}).content.decode()
    )
