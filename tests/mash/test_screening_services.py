"""Screening services (issue 13, points 3 and 5): each record drives the referral's move in one transaction,
refusals are audited, bad input writes nothing, and no note, rationale or summary reaches the audit trail."""

from __future__ import annotations

import logging

import pytest
from django.db import connection

from audit.models import AuditEvent
from mash.exceptions import ScreeningInvalid, ScreeningRefused
from mash.models import Decision, GatewayCheck, ScreeningOutcome, ScreeningReason
from mash.screening import services
from referrals import services as referral_services
from referrals.choices import ClosingReason, ReferralStatus
from referrals.exceptions import CaseChangedMeanwhile
from referrals.models import Referral
from tests.referrals.factories import information_gathering_referral, screening_referral, submitted_referral

pytestmark = pytest.mark.django_db

NOTE = "Canary gateway note 5b1e about deconfliction"
RATIONALE = "Canary rationale 88c2 for the outcome"
SUMMARY = "Canary panel summary 3d7f for Channel"


@pytest.fixture
def screening(referrer, triage_officer):
    return screening_referral(user=referrer, screener=triage_officer)


@pytest.fixture
def checked(screening, police_prevent_officer):
    services.gateway_check_record(
        referral=screening, actor=police_prevent_officer, counter_terrorism=False, note="No investigation."
    )
    return Referral.objects.get(pk=screening.pk)


def _stored(referral):
    return Referral.objects.get(pk=referral.pk)


def test_the_reasons_are_seeded_with_where_each_takes_the_case():
    reasons = {r.code: (r.label, r.route, r.closing_reason) for r in ScreeningReason.objects.all()}
    assert reasons["NO_FURTHER_ACTION"] == ("No further action", "close", ClosingReason.NFA_NO_CONCERN)
    assert reasons["SIGNPOSTED_HEALTH"] == ("Signposted to health", "close", ClosingReason.NFA_SIGNPOSTED)
    assert reasons["POLICE_LED"] == ("Police-led", "close", ClosingReason.POLICE_LED)
    assert reasons["PROCEED"] == ("Proceed to information gathering", "proceed", "")
    signposted = [label for label, _, closing in reasons.values() if closing == ClosingReason.NFA_SIGNPOSTED]
    assert len(signposted) == 5  # children's and adults' social care, health, education, another service


def test_gateway_check_is_recorded_encrypted_and_audited_without_its_note(
    screening, police_prevent_officer, assert_audited
):
    check = services.gateway_check_record(
        referral=screening, actor=police_prevent_officer, counter_terrorism=True, note=NOTE
    )
    assert GatewayCheck.objects.get(pk=check.pk).note == NOTE
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM mash_gatewaycheck")
        (stored,) = cursor.fetchone()
    assert NOTE.encode() not in bytes(stored)
    event = assert_audited("GATEWAY_CHECK_RECORDED", screening, counter_terrorism=True, rerecorded=False)
    assert event.actor_id == police_prevent_officer.pk
    assert _stored(screening).status == ReferralStatus.SCREENING  # the check alone moves nothing


def test_gateway_check_may_be_re_recorded_while_screening_goes_on(checked, police_prevent_officer, assert_audited):
    services.gateway_check_record(referral=checked, actor=police_prevent_officer, counter_terrorism=True, note=NOTE)
    assert GatewayCheck.objects.filter(referral=checked).count() == 1
    assert GatewayCheck.objects.get(referral=checked).counter_terrorism is True
    assert_audited("GATEWAY_CHECK_RECORDED", checked, rerecorded=True)


@pytest.mark.parametrize("role", ["triage_officer", "prevent_lead", "other_triage_officer"])
def test_gateway_check_by_anyone_but_the_police_officer_is_refused_and_audited(request, screening, role):
    actor = request.getfixturevalue(role)
    with pytest.raises(ScreeningRefused) as refused:
        services.gateway_check_record(referral=screening, actor=actor, counter_terrorism=False, note="x")
    assert refused.value.permission
    assert not GatewayCheck.objects.exists()
    event = AuditEvent.objects.get(action="GATEWAY_CHECK_RECORDED", outcome="refused")
    assert event.actor_id == actor.pk


def test_gateway_check_before_screening_starts_is_not_possible(referrer, police_prevent_officer):
    referral = submitted_referral(user=referrer)
    with pytest.raises(ScreeningRefused, match="Start screening") as refused:
        services.gateway_check_record(
            referral=referral, actor=police_prevent_officer, counter_terrorism=False, note="x"
        )
    assert not refused.value.permission
    assert not GatewayCheck.objects.exists()


def test_gateway_check_without_an_answer_or_a_note_writes_nothing(screening, police_prevent_officer):
    with pytest.raises(ScreeningInvalid) as invalid:
        services.gateway_check_record(
            referral=screening, actor=police_prevent_officer, counter_terrorism=None, note=" "
        )
    assert set(invalid.value.errors) == {"counter_terrorism", "note"}
    assert not GatewayCheck.objects.exists()
    assert not AuditEvent.objects.filter(action="GATEWAY_CHECK_RECORDED").exists()


def test_outcome_that_closes_closes_the_case_in_the_same_transaction(checked, triage_officer, assert_audited):
    outcome = services.screening_outcome_record(
        referral=checked, actor=triage_officer, reason_code="SIGNPOSTED_HEALTH", rationale=RATIONALE
    )
    stored = _stored(checked)
    assert (stored.status, stored.closing_reason) == (ReferralStatus.CLOSED, ClosingReason.NFA_SIGNPOSTED)
    assert stored.closing_summary == RATIONALE
    assert ScreeningOutcome.objects.get(pk=outcome.pk).rationale == RATIONALE
    assert_audited("SCREENING_OUTCOME_RECORDED", checked, route="close")
    assert_audited("REFERRAL_STATUS_CHANGED", checked, transition="close")
    assert AuditEvent.objects.get(action="SCREENING_OUTCOME_RECORDED").reason_code == "SIGNPOSTED_HEALTH"


def test_outcome_that_proceeds_starts_information_gathering(checked, police_prevent_officer, assert_audited):
    services.screening_outcome_record(
        referral=checked, actor=police_prevent_officer, reason_code="PROCEED", rationale=RATIONALE
    )
    assert _stored(checked).status == ReferralStatus.INFORMATION_GATHERING
    assert_audited("REFERRAL_STATUS_CHANGED", checked, transition="start_information_gathering")


def test_outcome_needs_the_gateway_check_first(screening, triage_officer):
    with pytest.raises(ScreeningRefused, match="gateway check must be recorded"):
        services.screening_outcome_record(
            referral=screening, actor=triage_officer, reason_code="PROCEED", rationale=RATIONALE
        )
    assert (_stored(screening).status, ScreeningOutcome.objects.count()) == (ReferralStatus.SCREENING, 0)


def test_a_counter_terrorism_matter_can_only_be_police_led(screening, police_prevent_officer, triage_officer):
    services.gateway_check_record(referral=screening, actor=police_prevent_officer, counter_terrorism=True, note="x")
    with pytest.raises(ScreeningInvalid) as invalid:
        services.screening_outcome_record(
            referral=screening, actor=triage_officer, reason_code="NO_FURTHER_ACTION", rationale=RATIONALE
        )
    assert "police-led" in invalid.value.errors["reason_code"]
    services.screening_outcome_record(
        referral=screening, actor=triage_officer, reason_code="POLICE_LED", rationale=RATIONALE
    )
    assert _stored(screening).closing_reason == ClosingReason.POLICE_LED


@pytest.mark.parametrize(
    ("reason_code", "rationale", "fields"),
    [
        ("", RATIONALE, {"reason_code"}),
        ("PROCEED", "  ", {"rationale"}),
        ("NOT_A_REASON", "", {"reason_code", "rationale"}),
    ],
)
def test_outcome_without_reason_or_rationale_writes_nothing(checked, triage_officer, reason_code, rationale, fields):
    with pytest.raises(ScreeningInvalid) as invalid:
        services.screening_outcome_record(
            referral=checked, actor=triage_officer, reason_code=reason_code, rationale=rationale
        )
    assert set(invalid.value.errors) == fields
    assert (_stored(checked).status, ScreeningOutcome.objects.count()) == (ReferralStatus.SCREENING, 0)


def test_a_retired_reason_is_refused(checked, triage_officer):
    ScreeningReason.objects.filter(code="SIGNPOSTED_OTHER").update(active=False)
    with pytest.raises(ScreeningInvalid):
        services.screening_outcome_record(
            referral=checked, actor=triage_officer, reason_code="SIGNPOSTED_OTHER", rationale=RATIONALE
        )


@pytest.mark.parametrize("role", ["prevent_lead", "panel_member", "other_triage_officer"])
def test_outcome_by_a_role_that_may_not_is_refused_and_audited(request, checked, role):
    actor = request.getfixturevalue(role)
    with pytest.raises(ScreeningRefused) as refused:
        services.screening_outcome_record(referral=checked, actor=actor, reason_code="PROCEED", rationale=RATIONALE)
    assert refused.value.permission
    assert AuditEvent.objects.filter(action="SCREENING_OUTCOME_RECORDED", outcome="refused", actor_id=actor.pk).exists()
    assert (_stored(checked).status, ScreeningOutcome.objects.count()) == (ReferralStatus.SCREENING, 0)


def test_outcome_on_a_case_moved_on_meanwhile_is_a_conflict_and_writes_nothing(checked, triage_officer):
    stale = Referral.objects.get(pk=checked.pk)  # the page's copy
    referral_services.referral_close(
        referral=Referral.objects.get(pk=checked.pk),
        actor=triage_officer,
        reason_code=ClosingReason.NFA_NO_CONCERN,
        summary="Closed by another officer.",
    )
    with pytest.raises(CaseChangedMeanwhile):
        services.screening_outcome_record(referral=stale, actor=triage_officer, reason_code="PROCEED", rationale="x")
    assert not ScreeningOutcome.objects.exists()
    conflict = AuditEvent.objects.get(action="REFERRAL_TRANSITION_CONFLICTED")
    assert conflict.details["transition"] == "screening_outcome"
    assert _stored(checked).closing_reason == ClosingReason.NFA_NO_CONCERN


def test_outcome_shown_at_another_stage_is_a_conflict(checked, triage_officer):
    with pytest.raises(CaseChangedMeanwhile):
        services.screening_outcome_record(
            referral=checked, actor=triage_officer, reason_code="PROCEED", rationale="x", shown_status="submitted"
        )
    assert not ScreeningOutcome.objects.exists()


def test_a_failing_transition_rolls_the_outcome_back(checked, triage_officer, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("transition failed")

    monkeypatch.setattr(services.referral_services, "referral_start_information_gathering", broken)
    with pytest.raises(RuntimeError):
        services.screening_outcome_record(referral=checked, actor=triage_officer, reason_code="PROCEED", rationale="x")
    assert not ScreeningOutcome.objects.exists()
    assert not AuditEvent.objects.filter(action="SCREENING_OUTCOME_RECORDED").exists()


@pytest.fixture
def gathering(referrer, triage_officer):
    return information_gathering_referral(user=referrer, screener=triage_officer)


def test_decision_to_refer_keeps_the_panel_summary_encrypted_and_sends_the_signal(
    gathering, prevent_lead, assert_audited
):
    from referrals.signals import referral_handed_to_channel

    handed = []

    def listener(**kwargs):
        handed.append(kwargs["referral_id"])

    referral_handed_to_channel.connect(listener)
    try:
        decision = services.decision_record(referral=gathering, actor=prevent_lead, route="channel", summary=SUMMARY)
    finally:
        referral_handed_to_channel.disconnect(listener)
    assert handed == [gathering.pk]
    assert _stored(gathering).status == ReferralStatus.WITH_CHANNEL
    assert Decision.objects.get(pk=decision.pk).panel_summary == SUMMARY
    with connection.cursor() as cursor:
        cursor.execute("SELECT panel_summary FROM mash_decision")
        (stored,) = cursor.fetchone()
    assert SUMMARY.encode() not in bytes(stored)
    assert_audited("MASH_DECISION_RECORDED", gathering, route="channel")


def test_decision_to_close_closes_with_reason_and_summary(gathering, triage_officer, assert_audited):
    services.decision_record(
        referral=gathering,
        actor=triage_officer,
        route="close",
        reason_code=ClosingReason.NFA_INSUFFICIENT,
        summary=SUMMARY,
    )
    stored = _stored(gathering)
    assert (stored.status, stored.closing_reason, stored.closing_summary) == (
        ReferralStatus.CLOSED,
        ClosingReason.NFA_INSUFFICIENT,
        SUMMARY,
    )
    assert Decision.objects.get(referral=gathering).panel_summary == ""
    assert assert_audited("MASH_DECISION_RECORDED", gathering, route="close").reason_code == "NFA_INSUFFICIENT"


@pytest.mark.parametrize(
    ("route", "reason_code", "summary", "fields"),
    [
        ("", "", SUMMARY, {"route"}),
        ("close", "", SUMMARY, {"reason_code"}),
        ("close", "NFA_SIGNPOSTED", "", {"summary"}),
        ("channel", "", " ", {"summary"}),
    ],
)
def test_decision_with_missing_input_writes_nothing(gathering, triage_officer, *, route, reason_code, summary, fields):
    with pytest.raises(ScreeningInvalid) as invalid:
        services.decision_record(
            referral=gathering, actor=triage_officer, route=route, reason_code=reason_code, summary=summary
        )
    assert set(invalid.value.errors) == fields
    assert (_stored(gathering).status, Decision.objects.count()) == (ReferralStatus.INFORMATION_GATHERING, 0)


def test_decision_by_the_police_officer_is_refused_and_in_screening_not_possible(
    gathering, checked, police_prevent_officer, triage_officer
):
    with pytest.raises(ScreeningRefused) as refused:
        services.decision_record(referral=gathering, actor=police_prevent_officer, route="channel", summary="x")
    assert refused.value.permission
    with pytest.raises(ScreeningRefused, match="not in information gathering") as wrong_stage:
        services.decision_record(referral=checked, actor=triage_officer, route="channel", summary="x")
    assert not wrong_stage.value.permission
    assert not Decision.objects.exists()


def test_no_note_rationale_or_summary_reaches_the_audit_trail_or_the_logs(
    screening, police_prevent_officer, triage_officer, referrer, caplog
):
    with caplog.at_level(logging.DEBUG):
        services.gateway_check_record(
            referral=screening, actor=police_prevent_officer, counter_terrorism=False, note=NOTE
        )
        services.screening_outcome_record(
            referral=screening, actor=triage_officer, reason_code="PROCEED", rationale=RATIONALE
        )
        gathering = Referral.objects.get(pk=screening.pk)
        services.decision_record(referral=gathering, actor=triage_officer, route="channel", summary=SUMMARY)
        with pytest.raises(ScreeningRefused):  # a refusal too
            services.gateway_check_record(referral=gathering, actor=triage_officer, counter_terrorism=True, note=NOTE)
    trail = " ".join(
        f"{e.action} {e.reason_code} {e.details} {e.target_id} {e.case_reference}" for e in AuditEvent.objects.all()
    )
    logs = caplog.text
    for canary in (NOTE, RATIONALE, SUMMARY, "5b1e", "88c2", "3d7f"):
        assert canary not in trail
        assert canary not in logs


def test_the_superuser_maintains_the_reasons_in_the_admin_audited_and_the_code_stays(client, superuser, assert_audited):
    from django.urls import reverse

    reason = ScreeningReason.objects.get(code="SIGNPOSTED_OTHER")
    client.force_login(superuser)
    url = reverse("admin:mash_screeningreason_change", args=[reason.pk])
    response = client.post(
        url,
        {
            "code": "RENAMED",
            "label": "Signposted to another local service",
            "route": "close",
            "closing_reason": "NFA_SIGNPOSTED",
            "order": 60,
        },
    )
    assert response.status_code == 302
    reason.refresh_from_db()
    assert (reason.code, reason.label, reason.active) == (
        "SIGNPOSTED_OTHER",
        "Signposted to another local service",
        False,
    )
    assert_audited("ADMIN_CHANGED", reason, change="changed")
    add = client.post(
        reverse("admin:mash_screeningreason_add"),
        {
            "code": "BROKEN",
            "label": "Closes without a closing reason",
            "route": "close",
            "closing_reason": "",
            "order": 1,
        },
    )
    assert add.status_code == 200  # refused by the model's constraint, with the admin's error
    assert not ScreeningReason.objects.filter(code="BROKEN").exists()
