"""The Channel sub-lifecycle: every allowed step, every refused one, and who may take each (ACCESS.md)."""

from __future__ import annotations

import pytest
from django.apps import apps

from accounts.models import Role
from audit.models import AuditEvent
from channel.choices import ChannelStage
from channel.exceptions import ChannelStateUpdateRefused
from channel.models import ChannelCase, ChannelDecision
from referrals.choices import ReferralStatus
from referrals.exceptions import TransitionNotPossible, TransitionRefused

from .steps import ALLOWED, MAY, STEPS, TAKER, bring_to, exit_dated, inputs, take

pytestmark = pytest.mark.django_db

S = ChannelStage
ROLE_NAMES = [role.value for role in Role]


@pytest.fixture
def users(make_user, local_authority, channel_chair, triage_officer, prevent_lead):
    found = {"channel_chair": channel_chair, "triage_officer": triage_officer, "prevent_lead": prevent_lead}
    for role in Role.values:
        found.setdefault(role, make_user(local_authority, role, prefix="step-"))
    return found


def test_the_declared_lifecycle_is_the_issue_s():
    edges = {(t.source, t.name): t.target for t in ChannelCase().get_all_state_transitions()}
    assert edges == ALLOWED


def test_every_step_has_a_permission_callable_and_a_label():
    for declared in ChannelCase().get_all_state_transitions():
        assert callable(declared.permission), declared.name
        assert declared.custom.get("label"), declared.name


@pytest.mark.parametrize(("source", "step"), sorted(ALLOWED), ids=str)
def test_every_allowed_step_moves_the_case_and_records_it(channel_case, users, assert_audited, source, step):
    channel_case = bring_to(channel_case, source, users)
    if step == "record_six_month_review":
        exit_dated(channel_case)  # its window opens 28 days before the 6-month due day
    decision = take(channel_case, step, users[TAKER[step]])
    stored = ChannelCase.objects.get(pk=channel_case.pk)
    assert stored.state == ALLOWED[(source, step)]
    assert decision.stage_before == source
    assert decision.stage_after == stored.state
    assert ChannelDecision.objects.get(pk=decision.pk).note == f"Reasons for {step}."
    assert_audited(
        "CHANNEL_STAGE_CHANGED",
        channel_case,
        transition=step,
        stage_before=source,
        stage_after=stored.state,
        decision_id=str(decision.pk),
    )


REFUSED = [(stage, step) for stage in S.values for step in STEPS if (stage, step) not in ALLOWED]


@pytest.mark.parametrize(("stage", "step"), REFUSED, ids=str)
def test_every_other_step_is_not_possible_and_writes_nothing(channel_case, users, stage, step):
    channel_case = bring_to(channel_case, stage, users)
    decisions = ChannelDecision.objects.count()
    with pytest.raises(TransitionNotPossible):
        take(channel_case, step, users["channel_chair"])
    assert ChannelCase.objects.get(pk=channel_case.pk).state == stage
    assert ChannelDecision.objects.count() == decisions


PERMISSION_CASES = [
    (source, step, role)
    for (source, step) in sorted(ALLOWED)
    if source in (S.LISTED, S.EXITED) or step != "withdraw"
    for role in ROLE_NAMES
]


@pytest.mark.parametrize(("source", "step", "role"), PERMISSION_CASES, ids=str)
def test_each_step_is_taken_only_by_its_roles(channel_case, users, source, step, role):
    channel_case = bring_to(channel_case, source, users)
    if step == "record_six_month_review":
        exit_dated(channel_case)  # its window is open: only the role decides
    if role in MAY[step]:
        take(channel_case, step, users[role])
        assert ChannelCase.objects.get(pk=channel_case.pk).state == ALLOWED[(source, step)]
        return
    with pytest.raises(TransitionRefused):
        take(channel_case, step, users[role])
    assert ChannelCase.objects.get(pk=channel_case.pk).state == source
    refusal = AuditEvent.objects.filter(action="CHANNEL_STAGE_CHANGED", outcome="refused", actor_id=users[role].pk)
    assert refusal.get().details == {"transition": step, "stage_before": source}


@pytest.mark.parametrize("step", ["adopt", "record_consent_given", "withdraw"])
def test_the_same_role_of_another_council_is_refused(channel_case, users, make_user, other_local_authority, step):
    channel_case = bring_to(channel_case, S.AWAITING_CONSENT if step == "record_consent_given" else S.LISTED, users)
    for role in MAY[step]:
        stranger = make_user(other_local_authority, role, prefix=f"far-{step}-")
        with pytest.raises(TransitionRefused):
            take(channel_case, step, stranger)


def test_a_deactivated_chair_is_refused(channel_case, channel_chair):
    channel_chair.is_active = False
    channel_chair.save(update_fields=["is_active"])
    with pytest.raises(TransitionRefused):
        take(channel_case, "adopt", channel_chair)


def test_the_stage_is_never_assigned_nor_bulk_updated(channel_case):
    with pytest.raises(AttributeError):
        channel_case.state = S.SUPPORTED
    with pytest.raises(ChannelStateUpdateRefused):
        ChannelCase.objects.filter(pk=channel_case.pk).update(state=S.SUPPORTED)
    with pytest.raises(ChannelStateUpdateRefused):
        ChannelCase.objects.bulk_update([channel_case], ["state"])
    assert ChannelCase.objects.get(pk=channel_case.pk).state == S.LISTED


def test_each_step_body_sets_only_the_fields_it_declares_in_writes():
    """The service saves custom["writes"] only (update_fields): a field set but not declared would be lost."""
    attnames = {field.name: field.attname for field in ChannelCase._meta.concrete_fields}
    for declared in ChannelCase().get_all_state_transitions():
        writes = set(declared.custom.get("writes", ()))
        assert writes <= set(attnames), declared.name
        channel_case = ChannelCase(state=declared.source)
        before = {name: channel_case.__dict__.get(attnames[name]) for name in attnames}
        method = getattr(channel_case, declared.name)
        # The body alone where the step has conditions (the post-exit review windows read the case's council).
        if declared.conditions:
            method.__wrapped__(channel_case)
        else:
            method()
        after = {name: channel_case.__dict__.get(attnames[name]) for name in attnames}
        changed = {name for name in attnames if before[name] != after[name]}
        assert changed <= {"state", *writes}, declared.name


def test_a_stale_copy_is_refused_with_a_conflict(channel_case, channel_chair, triage_officer):
    from referrals.exceptions import CaseChangedMeanwhile

    stale = ChannelCase.objects.select_related("referral").get(pk=channel_case.pk)
    take(channel_case, "adopt", channel_chair)
    with pytest.raises(CaseChangedMeanwhile):
        take(stale, "not_adopt", channel_chair)
    assert ChannelCase.objects.get(pk=channel_case.pk).state == S.AWAITING_CONSENT
    assert stale.referral.__class__.objects.get(pk=stale.referral_id).status == ReferralStatus.WITH_CHANNEL
    conflict = AuditEvent.objects.get(action="CHANNEL_TRANSITION_CONFLICTED")
    assert conflict.outcome == "refused"
    assert conflict.details["current_stage"] == S.AWAITING_CONSENT


def test_a_page_shown_at_another_stage_is_a_conflict(channel_case, channel_chair):
    from referrals.exceptions import CaseChangedMeanwhile

    with pytest.raises(CaseChangedMeanwhile):
        take(channel_case, "adopt", channel_chair, shown_state=S.SUPPORTED)
    assert ChannelCase.objects.get(pk=channel_case.pk).state == S.LISTED


@pytest.mark.parametrize(
    ("step", "overrides", "field"),
    [
        ("adopt", {"note": ""}, "note"),
        ("not_adopt", {"reason_code": ""}, "reason_code"),
        ("not_adopt", {"reason_code": "MOVED_AREA"}, "reason_code"),  # a withdrawal reason, not a not-adopted one
        ("withdraw", {"note": "x" * 5001}, "note"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_writes_nothing(channel_case, users, step, overrides, field):
    from channel.exceptions import ChannelInvalid

    with pytest.raises(ChannelInvalid) as refused:
        take(channel_case, step, users[TAKER[step]], **overrides)
    assert field in refused.value.errors
    assert ChannelCase.objects.get(pk=channel_case.pk).state == S.LISTED
    assert not ChannelDecision.objects.exists()


def test_consent_dates_are_checked(channel_case, users):
    import datetime

    from django.utils import timezone

    from channel.exceptions import ChannelInvalid

    channel_case = bring_to(channel_case, S.AWAITING_CONSENT, users)
    today = timezone.localdate()
    with pytest.raises(ChannelInvalid) as refused:
        take(channel_case, "record_consent_refused", users["triage_officer"], reassess_on=today)
    assert refused.value.errors == {"reassess_on": ["The re-assessment date must be in the future"]}
    with pytest.raises(ChannelInvalid) as refused:
        take(channel_case, "record_consent_given", users["triage_officer"], consent_date=today + datetime.timedelta(1))
    assert refused.value.errors == {"consent_date": ["The date consent was given must be today or in the past"]}
    with pytest.raises(ChannelInvalid) as refused:  # the referral was received today
        take(channel_case, "record_consent_given", users["triage_officer"], consent_date=today - datetime.timedelta(1))
    assert refused.value.errors == {
        "consent_date": [
            f"The date consent was given must be on or after the day the referral was received, {today:%-d %B %Y}"
        ]
    }
    take(channel_case, "record_consent_refused", users["triage_officer"])
    stored = ChannelCase.objects.get(pk=channel_case.pk)
    assert stored.reassess_on == today + datetime.timedelta(days=60)
    assert stored.consent_refused_on == today


def test_relisting_clears_the_re_assessment_date(channel_case, users):
    channel_case = bring_to(channel_case, S.CONSENT_REFUSED, users)
    take(channel_case, "relist", users["channel_chair"])
    stored = ChannelCase.objects.get(pk=channel_case.pk)
    assert stored.state == S.LISTED
    assert stored.reassess_on is None
    assert stored.decided_at is None


def test_inputs_helper_covers_every_step():
    assert set(STEPS) == {t.name for t in ChannelCase().get_all_state_transitions()}
    assert all(inputs(step)["note"] for step in STEPS)
    assert apps.get_app_config("channel").verbose_name == "Channel panel"
