"""The Screening section, its record pages and the case page's next actions (issue 13, points 3, 5 and 6)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from mash.models import GatewayCheck, ScreeningOutcome
from mash.screening import services
from referrals import sections
from referrals.choices import ReferralStatus
from referrals.models import Referral
from tests.referrals.factories import information_gathering_referral, screening_referral, submitted_referral
from tests.visible_text import assert_no_codes, visible_text

pytestmark = pytest.mark.django_db


def _url(name: str, referral) -> str:
    return reverse(f"referrals:{name}", args=[referral.reference])


def _section(referral) -> str:
    return reverse("referrals:referral-section", args=[referral.reference, "screening"])


def _actions(body: str) -> list[str]:
    found = re.search(r'data-testid="case-record-actions">(.*?)</div>', body, re.S)
    return re.findall(r'class="govuk-button[^"]*"[^>]*>([^<]+)<', found.group(1)) if found else []


@pytest.fixture
def screening(referrer, triage_officer):
    return screening_referral(user=referrer, screener=triage_officer)


def test_police_officer_records_the_gateway_check_from_the_case_page(client, screening, police_prevent_officer):
    client.force_login(police_prevent_officer)
    body = client.get(_url("referral-detail", screening)).content.decode()
    assert _actions(body) == ["Record gateway check"]
    assert f'href="{_url("screening-gateway-check", screening)}"' in body
    page = client.get(_url("screening-gateway-check", screening))
    assert page.status_code == 200
    assert 'name="shown_status" value="screening"' in page.content.decode()
    response = client.post(
        _url("screening-gateway-check", screening),
        {"counter_terrorism": "no", "note": "Checked: no investigation.", "shown_status": "screening"},
    )
    assert response.status_code == 302
    assert response.url == _section(screening)
    section = client.get(response.url).content.decode()
    assert "Gateway check recorded for case" in section
    text = visible_text(section)
    assert "A matter for a police-led counter-terrorism investigation No" in text
    assert "Checked: no investigation." in text
    assert_no_codes(section)
    body = client.get(_url("referral-detail", screening)).content.decode()
    assert _actions(body) == ["Record screening outcome", "Change gateway check"]
    again = client.get(_url("screening-gateway-check", screening)).content.decode()
    assert "Checked: no investigation.</textarea>" in again  # re-recording starts from the check as recorded
    assert re.search(r'value="no"[^>]*checked', again)


def test_triage_officer_records_the_outcome_and_the_case_closes(
    client, screening, police_prevent_officer, triage_officer
):
    services.gateway_check_record(referral=screening, actor=police_prevent_officer, counter_terrorism=False, note="x")
    client.force_login(triage_officer)
    section = client.get(_section(screening)).content.decode()
    assert "Signposted to health" in section  # the outcome form is on the section for whoever may record it
    assert f'action="{_url("screening-outcome", screening)}"' in section
    assert f'action="{_url("screening-gateway-check", screening)}"' not in section  # the police officer's only
    response = client.post(
        _url("screening-outcome", screening),
        {"reason_code": "SIGNPOSTED_HEALTH", "rationale": "A health need.", "shown_status": "screening"},
    )
    assert response.status_code == 302
    assert Referral.objects.get(pk=screening.pk).status == ReferralStatus.CLOSED
    body = client.get(_url("referral-detail", screening)).content.decode()
    assert _actions(body) == []
    history = visible_text(
        client.get(reverse("referrals:referral-section", args=[screening.reference, "history"])).content.decode()
    )
    assert "Screening outcome: signposted to health by" in history
    assert "Gateway check recorded by" in history


def test_history_names_the_person(client, screening, police_prevent_officer, triage_officer):
    police_prevent_officer.display_name = "Sam Patel"
    police_prevent_officer.save(update_fields=["display_name"])
    services.gateway_check_record(referral=screening, actor=police_prevent_officer, counter_terrorism=False, note="x")
    services.screening_outcome_record(
        referral=screening, actor=police_prevent_officer, reason_code="SIGNPOSTED_HEALTH", rationale="y"
    )
    client.force_login(triage_officer)
    html = client.get(reverse("referrals:referral-section", args=[screening.reference, "history"])).content.decode()
    history = visible_text(html)
    assert "Gateway check recorded by Sam Patel" in history
    assert "A matter for a police-led counter-terrorism investigation: no." in history
    assert "Screening outcome: signposted to health by Sam Patel" in history
    assert_no_codes(html)


def test_outcome_without_reason_or_rationale_shows_the_errors_and_writes_nothing(
    client, screening, police_prevent_officer, triage_officer
):
    services.gateway_check_record(referral=screening, actor=police_prevent_officer, counter_terrorism=False, note="x")
    client.force_login(triage_officer)
    response = client.post(_url("screening-outcome", screening), {"shown_status": "screening"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Select the screening outcome" in body
    assert "Enter the rationale for the screening outcome" in body
    assert "<title>Error:" in body
    assert "Error: Error:" not in body  # base.html says it once
    assert not ScreeningOutcome.objects.exists()
    assert Referral.objects.get(pk=screening.pk).status == ReferralStatus.SCREENING


def test_a_counter_terrorism_matter_shows_the_field_error(client, screening, police_prevent_officer):
    services.gateway_check_record(referral=screening, actor=police_prevent_officer, counter_terrorism=True, note="x")
    client.force_login(police_prevent_officer)
    response = client.post(
        _url("screening-outcome", screening),
        {"reason_code": "NO_FURTHER_ACTION", "rationale": "y", "shown_status": "screening"},
    )
    assert response.status_code == 200
    assert "select a police-led outcome" in response.content.decode()
    assert not ScreeningOutcome.objects.exists()


@pytest.mark.parametrize("name", ["screening-gateway-check", "screening-outcome"])
def test_a_role_that_may_not_gets_the_403_page_and_one_audited_refusal(client, screening, prevent_lead, name):
    client.force_login(prevent_lead)
    response = client.post(
        _url(name, screening), {"counter_terrorism": "yes", "note": "x", "shown_status": "screening"}
    )
    assert response.status_code == 403
    refusals = AuditEvent.objects.filter(outcome="refused", actor_id=prevent_lead.pk)
    assert refusals.count() == 1  # the service's, with its action; the middleware adds none
    assert refusals.get().action in ("GATEWAY_CHECK_RECORDED", "SCREENING_OUTCOME_RECORDED")
    assert not GatewayCheck.objects.exists()


def test_another_councils_officer_gets_a_404(client, screening, other_triage_officer):
    client.force_login(other_triage_officer)
    assert client.get(_url("screening-outcome", screening)).status_code == 404
    assert client.get(_section(screening)).status_code == 404


def test_a_case_in_the_wrong_stage_says_so_clearly(client, referrer, police_prevent_officer):
    referral = submitted_referral(user=referrer)
    client.force_login(police_prevent_officer)
    response = client.post(
        _url("screening-gateway-check", referral), {"counter_terrorism": "no", "note": "x"}, follow=True
    )
    body = response.content.decode()
    assert f"Start screening case {referral.reference} before recording its screening" in body
    assert "Screening has not started" in body
    assert not GatewayCheck.objects.exists()
    detail = client.get(_url("referral-detail", referral)).content.decode()
    assert "Start screening" in detail  # the bare action that stays


def test_a_form_shown_before_another_officer_moved_the_case_gives_the_409_page(
    client, screening, police_prevent_officer, triage_officer
):
    services.gateway_check_record(referral=screening, actor=police_prevent_officer, counter_terrorism=False, note="x")
    client.force_login(police_prevent_officer)
    page = client.get(_url("screening-outcome", screening)).content.decode()
    assert 'name="shown_status" value="screening"' in page
    services.screening_outcome_record(
        referral=Referral.objects.get(pk=screening.pk), actor=triage_officer, reason_code="PROCEED", rationale="y"
    )
    response = client.post(
        _url("screening-outcome", screening),
        {"reason_code": "NO_FURTHER_ACTION", "rationale": "z", "shown_status": "screening"},
    )
    assert response.status_code == 409
    assert "Someone else has just changed this case" in response.content.decode()
    assert ScreeningOutcome.objects.get().reason.code == "PROCEED"
    event = AuditEvent.objects.get(action="REFERRAL_TRANSITION_CONFLICTED", actor_id=police_prevent_officer.pk)
    assert event.details["transition"] == "screening_outcome"


def test_decision_page_refers_to_channel(client, referrer, triage_officer):
    referral = information_gathering_referral(user=referrer, screener=triage_officer)
    client.force_login(triage_officer)
    body = client.get(_url("referral-detail", referral)).content.decode()
    assert _actions(body) == ["Record decision"]
    response = client.post(_url("screening-decision", referral), {"route": "close", "summary": "x"})
    assert "Select why the case is being closed" in response.content.decode()
    response = client.post(
        _url("screening-decision", referral),
        {"route": "channel", "summary": "What the panel needs.", "shown_status": "information_gathering"},
    )
    assert response.status_code == 302
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.WITH_CHANNEL
    text = visible_text(client.get(_section(referral)).content.decode())
    assert "Refer to the Channel panel" in text
    assert "What the panel needs." in text


def test_the_section_lists_possible_repeats_with_a_link_to_each_readable_case(client, referrer, triage_officer):
    earlier = submitted_referral(user=referrer)
    later = screening_referral(user=referrer, screener=triage_officer)
    client.force_login(triage_officer)
    body = client.get(_section(later)).content.decode()
    assert f'href="{_url("referral-detail", earlier)}"' in body
    alone = visible_text(client.get(_section(earlier)).content.decode())
    assert later.reference in alone  # both ways: each is the other's possible repeat


def test_the_section_is_the_readers_and_reading_it_is_recorded(client, screening, triage_officer):
    client.force_login(triage_officer)
    assert client.get(_section(screening)).status_code == 200
    read = AuditEvent.objects.filter(action="CASE_CONTENT_READ", actor_id=triage_officer.pk).latest("sequence")
    assert read.details == {"section": "screening"}


def test_actions_registry_orders_warning_last_and_refuses_unknown_styles(screening):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import ImproperlyConfigured

    def url(referral, user):
        return "/x/"

    sections.register_action(sections.CaseAction("t-warn", "Warn", 1, url, style="warning"))
    sections.register_action(sections.CaseAction("t-main", "Main", 50, url, style="primary"))
    try:
        keys = [a["key"] for a in sections.actions_for(screening, AnonymousUser()) if a["key"].startswith("t-")]
        assert keys == ["t-main", "t-warn"]
        with pytest.raises(ImproperlyConfigured):
            sections.register_action(sections.CaseAction("t-bad", "Bad", 1, url, style="loud"))
        with pytest.raises(ImproperlyConfigured):
            sections.register_action(sections.CaseAction("t-main", "Other", 1, url))
    finally:
        sections.unregister_action("t-warn")
        sections.unregister_action("t-main")
