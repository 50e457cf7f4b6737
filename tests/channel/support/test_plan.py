"""The support plan: interventions, the provider's own grant, starts and sessions, overdue starts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from channel.exceptions import ChannelInvalid
from channel.models import ChannelCase, Intervention, InterventionSession, InterventionType
from channel.support.plan import (
    intervention_create,
    intervention_end,
    intervention_session_log,
    intervention_start,
)
from channel.support.selectors import (
    intervention_get_for_provider,
    intervention_list_for_provider,
    interventions_overdue_visible,
)
from referrals.exceptions import TransitionRefused

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def mentoring_plan(supported, channel_chair, mentoring, provider):
    return intervention_create(
        channel_case=supported,
        actor=channel_chair,
        intervention_type=mentoring,
        planned_start=TODAY() + datetime.timedelta(days=7),
        provider=provider,
        description="Weekly mentoring.",
    )


def test_an_intervention_with_a_provider_grants_that_provider_it_alone(
    mentoring_plan, provider, other_provider, assert_audited
):
    assert [i.pk for i in intervention_list_for_provider(user=provider)] == [mentoring_plan.pk]
    assert intervention_list_for_provider(user=other_provider) == []
    assert_audited("CHANNEL_INTERVENTION_ADDED", mentoring_plan.channel_case)
    seen = intervention_get_for_provider(user=provider, intervention_id=mentoring_plan.pk)
    assert seen.channel_case.referral.given_name  # the first name is readable through the grant
    with pytest.raises(Http404):
        intervention_get_for_provider(user=other_provider, intervention_id=mentoring_plan.pk)


def test_the_provider_logs_a_session_which_starts_the_intervention(mentoring_plan, provider, assert_audited):
    session = intervention_session_log(
        intervention=mentoring_plan, actor=provider, held_on=TODAY(), duration_minutes=60, note="Canary session 5e"
    )
    mentoring_plan.refresh_from_db()
    assert mentoring_plan.actual_start == TODAY()
    assert InterventionSession.objects.get(pk=session.pk).note == "Canary session 5e"
    assert_audited("CHANNEL_SESSION_LOGGED", mentoring_plan.channel_case, minutes=60)
    assert_audited("CHANNEL_INTERVENTION_STARTED", mentoring_plan.channel_case)


def test_a_provider_logging_on_someone_elses_intervention_is_refused_and_audited(mentoring_plan, other_provider):
    with pytest.raises(TransitionRefused):
        intervention_session_log(
            intervention=mentoring_plan, actor=other_provider, held_on=TODAY(), duration_minutes=30
        )
    assert not InterventionSession.objects.exists()
    refusal = AuditEvent.objects.get(action="CHANNEL_SUPPORT_REFUSED", actor_id=other_provider.pk)
    assert refusal.outcome == "refused"
    assert refusal.details["intervention_id"] == str(mentoring_plan.pk)


@pytest.mark.parametrize("role", ["panel_member", "police_prevent_officer", "referrer"])
def test_other_roles_may_not_log_sessions(request, mentoring_plan, role):
    with pytest.raises(TransitionRefused):
        intervention_session_log(
            intervention=mentoring_plan, actor=request.getfixturevalue(role), held_on=TODAY(), duration_minutes=30
        )


@pytest.mark.parametrize(
    ("held_on", "minutes", "field"),
    [
        (None, 30, "held_on"),
        ("future", 30, "held_on"),
        ("today", 0, "duration_minutes"),
        ("today", 601, "duration_minutes"),
    ],
)
def test_bad_session_input_is_refused(mentoring_plan, provider, held_on, minutes, field):
    day = {"today": TODAY(), "future": TODAY() + datetime.timedelta(days=1), None: None}[held_on]
    with pytest.raises(ChannelInvalid) as caught:
        intervention_session_log(intervention=mentoring_plan, actor=provider, held_on=day, duration_minutes=minutes)
    assert field in caught.value.errors
    assert not InterventionSession.objects.exists()


def test_mentoring_needs_a_provider_and_the_provider_must_be_of_the_council(
    supported, channel_chair, mentoring, make_user, other_local_authority
):
    from accounts.models import Role

    with pytest.raises(ChannelInvalid) as caught:
        intervention_create(
            channel_case=supported,
            actor=channel_chair,
            intervention_type=mentoring,
            planned_start=TODAY(),
            owner=channel_chair,
        )
    assert "provider" in caught.value.errors
    elsewhere = make_user(other_local_authority, Role.INTERVENTION_PROVIDER, prefix="far-")
    with pytest.raises(ChannelInvalid) as caught:
        intervention_create(
            channel_case=supported,
            actor=channel_chair,
            intervention_type=mentoring,
            planned_start=TODAY(),
            provider=elsewhere,
        )
    assert "provider" in caught.value.errors
    assert not Intervention.objects.exists()


def test_an_intervention_not_started_by_its_planned_date_is_overdue(supported, channel_chair, triage_officer):
    housing = InterventionType.objects.get(code="HOUSING")
    late = intervention_create(
        channel_case=supported,
        actor=triage_officer,
        intervention_type=housing,
        planned_start=TODAY() - datetime.timedelta(days=3),
        owner=triage_officer,
    )
    assert late.is_overdue(TODAY())
    with CaptureQueriesContext(connection) as captured:
        listed = list(interventions_overdue_visible(user=channel_chair))
        assert [(i.pk, i.channel_case.referral.reference) for i in listed] == [(late.pk, supported.referral.reference)]
    assert len(captured) == 1  # the stages loaded with the rows: django-fsm reads them as each row is made
    intervention_start(intervention=late, actor=triage_officer, started_on=TODAY())
    assert list(interventions_overdue_visible(user=channel_chair)) == []
    with pytest.raises(ChannelInvalid):  # started once only
        intervention_start(intervention=late, actor=triage_officer, started_on=TODAY())


def test_the_providers_grant_ends_when_the_case_leaves_support(mentoring_plan, provider, channel_chair, settings):
    from tests.channel.steps import take

    take(mentoring_plan.channel_case, "exit", channel_chair)
    assert len(intervention_list_for_provider(user=provider)) == 1  # the tail: the last sessions may be logged
    settings.INTERVENTION_GRANT_TAIL_DAYS = 0
    assert intervention_list_for_provider(user=provider) == []
    with pytest.raises(TransitionRefused):
        intervention_session_log(intervention=mentoring_plan, actor=provider, held_on=TODAY(), duration_minutes=30)


@pytest.mark.parametrize(
    ("role", "may"),
    [
        ("channel_chair", True),
        ("triage_officer", True),
        ("police_prevent_officer", False),
        ("prevent_lead", False),
        ("panel_member", False),
        ("intervention_provider", False),
        ("other_triage_officer", False),
    ],
)
def test_who_may_add_and_start_interventions(request, supported, triage_officer, role, may):
    """ACCESS.md: the support plan is the chair's and the triage officer's (as Channel coordinator)."""
    actor = request.getfixturevalue(role)
    housing = InterventionType.objects.get(code="HOUSING")
    add = {"channel_case": supported, "intervention_type": housing, "planned_start": TODAY(), "owner": triage_officer}
    if not may:
        with pytest.raises(TransitionRefused):
            intervention_create(actor=actor, **add)
        assert not Intervention.objects.exists()
        assert AuditEvent.objects.filter(action="CHANNEL_SUPPORT_REFUSED", actor_id=actor.pk).exists()
        return
    intervention = intervention_create(actor=actor, **add)
    intervention_start(intervention=intervention, actor=actor, started_on=TODAY())
    assert Intervention.objects.get().actual_start == TODAY()


def test_the_grant_follows_its_reason_a_moved_or_deactivated_provider_loses_it(
    mentoring_plan, provider, other_local_authority
):
    from accounts.models import Membership

    Membership.objects.filter(user=provider).update(local_authority=other_local_authority)
    provider.refresh_from_db()
    assert intervention_list_for_provider(user=provider) == []
    Membership.objects.filter(user=provider).update(
        local_authority=mentoring_plan.channel_case.referral.local_authority
    )
    provider.refresh_from_db()
    assert len(intervention_list_for_provider(user=provider)) == 1
    provider.is_active = False
    provider.save(update_fields=["is_active"])
    assert intervention_list_for_provider(user=provider) == []


def test_an_intervention_ended_early_is_no_longer_overdue_and_takes_no_later_session(
    mentoring_plan, channel_chair, provider, assert_audited
):
    yesterday = TODAY() - datetime.timedelta(days=1)
    # Consent given a week ago: the days of support below come after it.
    channel_case = mentoring_plan.channel_case
    ChannelCase.objects.filter(pk=channel_case.pk).update(consent_given_on=TODAY() - datetime.timedelta(days=7))
    channel_case.refresh_from_db()
    Intervention.objects.filter(pk=mentoring_plan.pk).update(planned_start=yesterday - datetime.timedelta(days=5))
    mentoring_plan.refresh_from_db()
    assert mentoring_plan.is_overdue(TODAY())
    intervention_end(intervention=mentoring_plan, actor=channel_chair, ended_on=yesterday, end_reason="person_stopped")
    ended = Intervention.objects.get(pk=mentoring_plan.pk)
    assert (ended.ended_on, ended.end_reason, ended.actual_start) == (yesterday, "person_stopped", None)
    assert not ended.is_overdue(TODAY())
    assert_audited(
        "CHANNEL_INTERVENTION_ENDED", mentoring_plan.channel_case, end_reason="person_stopped", started=False
    )
    # A session after the end is refused; one on or before it may still be logged late.
    with pytest.raises(ChannelInvalid) as caught:
        intervention_session_log(intervention=ended, actor=provider, held_on=TODAY(), duration_minutes=30)
    assert "ended on" in caught.value.errors["held_on"][0]
    intervention_session_log(intervention=ended, actor=provider, held_on=yesterday, duration_minutes=30)
    with pytest.raises(ChannelInvalid) as caught:  # once only
        intervention_end(intervention=ended, actor=channel_chair, ended_on=TODAY(), end_reason="completed")
    assert caught.value.errors == {"__all__": ["This intervention has ended already"]}


@pytest.mark.parametrize(
    ("ended_on", "reason", "field"),
    [
        (None, "completed", "ended_on"),
        ("future", "completed", "ended_on"),
        ("before-start", "completed", "ended_on"),
        ("today", "", "end_reason"),
        ("today", "finished", "end_reason"),
    ],
)
def test_bad_end_input_is_refused_and_nothing_is_written(mentoring_plan, channel_chair, ended_on, reason, field):
    intervention_start(intervention=mentoring_plan, actor=channel_chair, started_on=TODAY())
    day = {
        None: None,
        "today": TODAY(),
        "future": TODAY() + datetime.timedelta(days=1),
        "before-start": TODAY() - datetime.timedelta(days=1),
    }[ended_on]
    with pytest.raises(ChannelInvalid) as caught:
        intervention_end(intervention=mentoring_plan, actor=channel_chair, ended_on=day, end_reason=reason)
    assert field in caught.value.errors
    assert Intervention.objects.get(pk=mentoring_plan.pk).ended_on is None
    assert not AuditEvent.objects.filter(action="CHANNEL_INTERVENTION_ENDED").exists()


@pytest.mark.parametrize("role", ["intervention_provider", "panel_member", "police_prevent_officer"])
def test_only_a_coordinator_ends_an_intervention(request, mentoring_plan, role):
    actor = request.getfixturevalue(role)
    with pytest.raises(TransitionRefused):
        intervention_end(intervention=mentoring_plan, actor=actor, ended_on=TODAY(), end_reason="completed")
    assert Intervention.objects.get(pk=mentoring_plan.pk).ended_on is None
    refusal = AuditEvent.objects.get(action="CHANNEL_SUPPORT_REFUSED", actor_id=actor.pk)
    assert refusal.details["step"] == "intervention_end"


# --- days of support come after consent (support runs only with it) and never in the future


@pytest.fixture
def consented_a_month_ago(adopted, triage_officer, channel_chair, mentoring, provider):
    from channel.support.consent import consent_record
    from referrals.models import Referral

    Referral.objects.filter(pk=adopted.referral_id).update(submitted_at=timezone.now() - datetime.timedelta(days=40))
    adopted.referral.refresh_from_db()
    consent_record(
        channel_case=adopted,
        actor=triage_officer,
        outcome="given",
        given_by="person",
        decided_on=TODAY() - datetime.timedelta(days=30),
        how_obtained="in_person",
    )
    adopted.refresh_from_db()
    return intervention_create(
        channel_case=adopted,
        actor=channel_chair,
        intervention_type=mentoring,
        planned_start=TODAY(),
        provider=provider,
    )


def _before_consent_message(what: str) -> str:
    return f"{what} must be on or after the day consent was given, {TODAY() - datetime.timedelta(days=30):%-d %B %Y}"


@pytest.mark.parametrize("days_before_consent", [1, 300])
def test_a_session_dated_before_consent_is_refused_and_does_not_start_the_intervention(
    consented_a_month_ago, provider, days_before_consent
):
    day = TODAY() - datetime.timedelta(days=30 + days_before_consent)
    with pytest.raises(ChannelInvalid) as caught:
        intervention_session_log(intervention=consented_a_month_ago, actor=provider, held_on=day, duration_minutes=60)
    assert caught.value.errors == {"held_on": [_before_consent_message("The date of the session")]}
    assert not InterventionSession.objects.exists()
    assert Intervention.objects.get(pk=consented_a_month_ago.pk).actual_start is None
    # The day consent was given is a day of support.
    on_the_day = TODAY() - datetime.timedelta(days=30)
    intervention_session_log(
        intervention=consented_a_month_ago, actor=provider, held_on=on_the_day, duration_minutes=60
    )
    assert Intervention.objects.get(pk=consented_a_month_ago.pk).actual_start == on_the_day


def test_a_start_or_an_end_dated_before_consent_is_refused(consented_a_month_ago, channel_chair):
    day = TODAY() - datetime.timedelta(days=31)
    with pytest.raises(ChannelInvalid) as caught:
        intervention_start(intervention=consented_a_month_ago, actor=channel_chair, started_on=day)
    assert caught.value.errors == {"started_on": [_before_consent_message("The date it started")]}
    with pytest.raises(ChannelInvalid) as caught:
        intervention_end(intervention=consented_a_month_ago, actor=channel_chair, ended_on=day, end_reason="not_needed")
    assert caught.value.errors == {"ended_on": [_before_consent_message("The date it ended")]}
    assert Intervention.objects.filter(pk=consented_a_month_ago.pk, actual_start=None, ended_on=None).exists()
