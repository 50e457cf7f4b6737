"""The queue: tabs, sort, flags, paging; nothing decrypted; a constant number of queries."""

from __future__ import annotations

import datetime
import io
import re

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
from tests.visible_text import visible_text

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


def test_the_filter_combines_a_stage_with_overdue_and_mine(client, referrer, triage_officer, police_prevent_officer):
    late_screening = screening_referral(user=referrer, screener=triage_officer, given_name="Bea")
    late_new = submitted_referral(user=referrer, given_name="Cy")
    mine_new = submitted_referral(user=referrer, given_name="Di")
    Assessment.objects.filter(referral__in=[late_screening, late_new]).update(
        screening_due_on=datetime.date(2020, 1, 6)
    )
    for referral in (late_screening, mine_new):
        services.referral_assign(referral=referral, actor=triage_officer, assignee=police_prevent_officer)
    client.force_login(police_prevent_officer)
    assert set(_references(client, overdue="1")) == {late_screening.reference, late_new.reference}
    assert _references(client, stage="screening", overdue="1") == [late_screening.reference]
    assert _references(client, stage="new", overdue="1") == [late_new.reference]
    assert set(_references(client, mine="1")) == {late_screening.reference, mine_new.reference}
    assert _references(client, mine="1", overdue="1") == [late_screening.reference]
    assert _references(client, stage="new", mine="1") == [mine_new.reference]
    assert _references(client, stage="no-such-stage", overdue="yes") == _references(client)  # unknown: ignored


def test_the_filter_is_a_form_that_works_without_javascript(client, referrer, triage_officer):
    submitted_referral(user=referrer)
    client.force_login(triage_officer)
    body = client.get(reverse("referrals:referral-queue"), {"stage": "new", "overdue": "1", "sort": "due"}).content
    body = body.decode()
    panel = re.search(r'<div class="moj-filter-layout__filter">.*?</form>', body, re.S).group(0)
    assert '<form method="get"' in panel
    assert 'data-module="moj-filter"' in panel
    assert re.search(r'name="stage" type="radio" value="new" checked', panel)
    assert re.search(r'name="overdue" type="checkbox" value="1" checked', panel)
    assert re.search(r'name="mine" type="checkbox" value="1">', panel)
    assert '<input type="hidden" name="sort" value="due">' in panel
    assert ">Apply filters</button>" in panel
    # Selected filters, each with a link that removes it (keeping the rest), and one that clears them all.
    selected = re.search(r'data-testid="selected-filters".*?</ul>', body, re.S).group(0)
    tags = dict(
        (visible_text(text).replace("Remove this filter ", ""), href.replace("&amp;", "&"))
        for href, text in re.findall(r'<a class="moj-filter__tag" href="([^"]+)">(.*?)</a>', selected, re.S)
    )
    assert tags == {"New": "?overdue=1&sort=due", "Overdue": "?stage=new&sort=due"}
    assert 'href="?sort=due&amp;per_page=25">Clear filters</a>' in selected


def test_the_table_sorts_on_the_server_through_links_in_its_headers(client, referrer, triage_officer):
    first, second = submitted_referral(user=referrer), submitted_referral(user=referrer, given_name="Bea")
    Assessment.objects.filter(referral=first).update(screening_due_on=datetime.date(2031, 1, 6))
    client.force_login(triage_officer)

    def headers(**params) -> dict[str, tuple[str, str]]:
        body = client.get(reverse("referrals:referral-queue"), params).content.decode()
        return {
            name: (sort, href.replace("&amp;", "&"))
            for sort, href, name in re.findall(
                r'aria-sort="(\w+)"><a class="app-sort-link" href="([^"]+)"[^>]*>([^<]+)<', body
            )
        }

    assert headers() == {"Received": ("descending", "?sort=oldest"), "Screening due": ("none", "?sort=due")}
    assert headers(sort="oldest", stage="new") == {
        "Received": ("ascending", "?stage=new&sort=newest"),
        "Screening due": ("none", "?stage=new&sort=due"),
    }
    assert headers(sort="due")["Screening due"] == ("ascending", "?sort=due-latest")
    assert headers(sort="due-latest")["Screening due"] == ("descending", "?sort=due")
    assert _references(client, sort="due-latest") == [first.reference, second.reference]
    assert _references(client, sort="due") == [second.reference, first.reference]
    assert _references(client, sort="oldest") == [first.reference, second.reference]


def test_bulk_assignment_is_an_moj_multi_select(client, referrer, triage_officer, prevent_lead):
    referral = submitted_referral(user=referrer)
    Assessment.objects.filter(referral=referral).update(screening_due_on=datetime.date(2020, 1, 6))
    client.force_login(triage_officer)
    body = client.get(reverse("referrals:referral-queue")).content.decode()
    table = re.search(r'<table class="govuk-table app-queue".*?</table>', body, re.S).group(0)
    assert 'data-module="moj-multi-select" data-id-prefix="queue-"' in table
    assert 'id="queue-select-all"' in table  # where its script puts "Select all"
    assert f'name="references" type="checkbox" value="{referral.reference}"' in table
    assert '<strong class="moj-badge moj-badge--red">Overdue</strong>' in table
    assert 'class="moj-scrollable-pane app-queue-pane"' in body  # scrolls sideways on a phone, inside the page
    # The form posts without JavaScript: the ticked boxes and the chosen officer.
    assert re.search(r'<form method="post" action="/referrals/queue/assign/"', body)
    client.force_login(prevent_lead)  # may read the queue, may not assign: no boxes, no form
    body = client.get(reverse("referrals:referral-queue")).content.decode()
    assert "moj-multi-select" not in body
    assert 'name="references"' not in body
