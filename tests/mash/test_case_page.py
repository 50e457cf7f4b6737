"""The case page for the people who work the case: its header and summary card (with what mash adds), and
assigning the case from it (issue 13, point 6)."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from mash import services
from mash.models import Assessment
from referrals import services as referral_services
from referrals.models import Referral
from referrals.presenters import age_band
from tests.referrals.factories import (
    child_answers,
    draft_referral,
    information_gathering_referral,
    screening_referral,
    submitted_referral,
)
from tests.visible_text import assert_no_codes, visible_text

pytestmark = pytest.mark.django_db


def _detail(referral: Referral) -> str:
    return reverse("referrals:referral-detail", args=[referral.reference])


def _assign(referral: Referral) -> str:
    return reverse("referrals:referral-assign", args=[referral.reference])


def _card(body: str) -> str:
    return visible_text(re.search(r'data-testid="case-summary".*?</dl>', body, re.S).group(0))


def _header(body: str) -> str:
    return visible_text(re.search(r'data-testid="case-header".*?<div class="govuk-grid-row">', body, re.S).group(0))


def _flagged_child(referrer, **overrides) -> Referral:
    """A child at immediate risk, with a document, referred before (a possible repeat)."""
    answers = child_answers(immediate_risk="yes", concern_type="extreme_right_wing", **overrides)
    submitted_referral(user=referrer, **answers)  # the earlier referral of the same person
    referral = draft_referral(user=referrer, **answers)
    referral_services.referral_attachment_add(
        referral=referral, actor=referrer, fileobj=io.BytesIO(b"%PDF-1.4 q"), filename="a.pdf", size=10
    )
    return referral_services.referral_submit(referral=referral, actor=referrer)


def test_the_summary_card_shows_every_item(client, referrer, triage_officer, police_prevent_officer):
    police_prevent_officer.display_name = "Robin Officer"
    police_prevent_officer.save(update_fields=["display_name"])
    referral = _flagged_child(referrer, given_name="Robyn")
    services.referral_assign(referral=referral, actor=triage_officer, assignee=police_prevent_officer)
    Assessment.objects.filter(referral=referral).update(screening_due_on=datetime.date(2020, 1, 6))
    client.force_login(triage_officer)
    body = client.get(_detail(referral)).content.decode()
    card = _card(body)
    assert f"Reference {referral.reference}" in card
    assert "Stage Submitted" in card
    assert "Assigned to Robin Officer Change who the case is assigned to" in card
    assert "Screening due 6 January 2020 Overdue" in card
    assert '<strong class="moj-badge moj-badge--red" data-testid="overdue">Overdue</strong>' in body
    assert "First name Robyn" in card
    assert "Age Under 18" in card
    assert "Council area Testshire County Council" in card
    assert "Type of concern Extreme right-wing" in card
    flags = visible_text(re.search(r'data-testid="case-flags">(.*?)</dd>', body, re.S).group(1))
    assert flags.strip() == "Immediate risk Under 18 Possible repeat referral 1 document"
    assert f'href="{_assign(referral)}"' in body
    assert "Example" not in card  # the family name stays on the Referral section
    assert_no_codes(body)


def test_the_case_header_is_an_identity_bar_with_the_key_facts(client, referrer, prevent_lead, triage_officer):
    referral = _flagged_child(referrer, given_name="Robyn")
    client.force_login(prevent_lead)
    body = client.get(_detail(referral)).content.decode()
    header = _header(body)
    assert 'class="moj-identity-bar app-case-header"' in body
    assert re.search(rf"<h1[^>]*>Case {referral.reference}</h1>", body)
    for fact in ("Submitted", "Robyn", "Under 18", "Extreme right-wing", "Immediate risk", "Possible repeat referral"):
        assert fact in header, fact
    # The case's secondary pages sit in an MOJ button menu (a menu with JavaScript, two buttons without).
    menu = re.search(r'<div class="moj-button-menu".*?</div>', body, re.S).group(0)
    assert 'data-button-text="Case access"' in menu
    assert re.findall(r">([^<>]+)</a>", menu) == [
        "Manage access to this case",
        "Who has read this case (access report)",
    ]
    # A Prevent lead may not assign (ACCESS.md: triage and police Prevent officers): no Change link.
    assert _assign(referral) not in body
    client.force_login(triage_officer)
    menu = re.search(r'<div class="moj-button-menu".*?</div>', client.get(_detail(referral)).content.decode(), re.S)
    assert re.findall(r">([^<>]+)</a>", menu.group(0)) == ["Manage access to this case"]


@pytest.mark.parametrize(
    ("answers", "band"),
    [
        ({"date_of_birth": None, "approximate_age": "17"}, "Under 18"),
        ({"date_of_birth": None, "approximate_age": "19"}, "18 to 24"),
        ({"date_of_birth": None, "approximate_age": "40"}, "35 to 44"),
        ({"date_of_birth": None, "approximate_age": "70"}, "65 or over"),
    ],
)
def test_the_age_band_is_worked_out_when_the_page_is_read(client, referrer, triage_officer, answers, band):
    referral = submitted_referral(user=referrer, **child_answers(**answers))  # a parent's details: any age
    client.force_login(triage_officer)
    assert f"Age {band}" in _card(client.get(_detail(referral)).content.decode())


def test_the_age_band_moves_on_a_birthday_without_anything_stored(client, referrer, triage_officer):
    today = timezone.localdate()
    eighteen_tomorrow = today.replace(year=today.year - 18) + datetime.timedelta(days=1)
    referral = submitted_referral(user=referrer, **child_answers(date_of_birth=eighteen_tomorrow))
    client.force_login(triage_officer)
    assert "Age Under 18" in _card(client.get(_detail(referral)).content.decode())
    # The band is worked out from the answers on the day they are read: the same answers, two days on.
    answers = referral_services.referral_answers(Referral.objects.get(pk=referral.pk))
    assert age_band(answers, today=today + datetime.timedelta(days=2)) == "18 to 24"


def test_overdue_only_while_the_screening_decision_is_awaited(client, referrer, triage_officer):
    screening = screening_referral(user=referrer, screener=triage_officer)
    gathering = information_gathering_referral(user=referrer, screener=triage_officer, given_name="Cy")
    on_time = submitted_referral(user=referrer, given_name="Di")
    Assessment.objects.exclude(referral=on_time).update(screening_due_on=datetime.date(2020, 1, 6))
    Assessment.objects.filter(referral=on_time).update(screening_due_on=timezone.localdate())
    client.force_login(triage_officer)
    assert "Screening due 6 January 2020 Overdue" in _card(client.get(_detail(screening)).content.decode())
    decided = _card(client.get(_detail(gathering)).content.decode())
    assert "Screening due 6 January 2020 (decision made)" in decided
    assert "Overdue" not in decided
    assert "Overdue" not in _card(client.get(_detail(on_time)).content.decode())
    assert "decision made" not in _card(client.get(_detail(screening)).content.decode())
    assert "Assigned to Not assigned Assign who the case is assigned to" in _card(
        client.get(_detail(on_time)).content.decode()
    )


def test_assigning_from_the_case_page(client, referrer, triage_officer, police_prevent_officer, assert_audited):
    police_prevent_officer.display_name = "Robin Officer"
    police_prevent_officer.save(update_fields=["display_name"])
    referral = submitted_referral(user=referrer)
    client.force_login(triage_officer)
    page = client.get(_assign(referral))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Who should work on this case?" in body
    assert re.search(rf'type="radio" value="{police_prevent_officer.pk}"', body)
    response = client.post(_assign(referral), {"assignee": police_prevent_officer.pk})
    assert response.status_code == 302
    assert response["Location"] == _detail(referral)
    assert Assessment.objects.get(referral=referral).assigned_to == police_prevent_officer
    assert_audited("REFERRAL_ASSIGNED", referral, assignee_id=police_prevent_officer.pk)
    after = client.get(response["Location"]).content.decode()
    assert f"Case {referral.reference} assigned to Robin Officer" in after
    assert "Assigned to Robin Officer Change" in _card(after)
    # Reassigning: the page opens with the current assignee chosen.
    again = client.get(_assign(referral)).content.decode()
    assert re.search(rf'value="{police_prevent_officer.pk}" checked', again)


def test_assigning_by_a_role_that_may_not_is_refused_and_audited(client, referrer, prevent_lead, triage_officer):
    referral = submitted_referral(user=referrer)
    client.force_login(prevent_lead)
    assert client.get(_assign(referral)).status_code == 403
    assert client.post(_assign(referral), {"assignee": triage_officer.pk}).status_code == 403
    refusals = AuditEvent.objects.filter(
        actor_id=prevent_lead.pk, outcome="refused", details__url_name="referrals:referral-assign"
    )
    assert refusals.count() == 2
    assert Assessment.objects.get(referral=referral).assigned_to is None


def test_a_case_no_longer_with_the_mash_cannot_be_assigned(client, referrer, triage_officer):
    referral = information_gathering_referral(user=referrer, screener=triage_officer)
    referral = referral_services.referral_refer_to_channel(referral=referral, actor=triage_officer)
    client.force_login(triage_officer)
    assert _assign(referral) not in client.get(_detail(referral)).content.decode()
    assert client.post(_assign(referral), {"assignee": triage_officer.pk}).status_code == 403
    assert Assessment.objects.get(referral=referral).assigned_to is None


def test_a_bad_assignee_is_an_error_on_the_page(client, referrer, triage_officer, other_triage_officer, auditor):
    referral = submitted_referral(user=referrer)
    client.force_login(triage_officer)
    for chosen in ({}, {"assignee": other_triage_officer.pk}, {"assignee": auditor.pk}, {"assignee": "x"}):
        response = client.post(_assign(referral), chosen)
        assert response.status_code == 200
        body = response.content.decode()
        assert "There is a problem" in body
        assert "Select who to assign the case to" in body
        assert "<title>Error: " in body
    assert Assessment.objects.get(referral=referral).assigned_to is None
    assert not AuditEvent.objects.filter(action="REFERRAL_ASSIGNED", outcome="done").exists()


def test_another_councils_case_is_not_found(client, referrer, other_triage_officer):
    referral = submitted_referral(user=referrer)
    client.force_login(other_triage_officer)
    assert client.get(_assign(referral)).status_code == 404
    assert client.post(_assign(referral), {"assignee": other_triage_officer.pk}).status_code == 404
