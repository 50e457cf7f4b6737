"""Consent: who must answer (18 or over on the day: the person; under 18: a parent or carer), what each answer
does to the case, and that support cannot start without consent given."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from channel.choices import ChannelStage
from channel.exceptions import ChannelInvalid
from channel.models import ChannelCase, ChannelConsent, Intervention
from channel.support.consent import age_on, consent_record
from channel.support.plan import intervention_create
from referrals import services as referral_services
from referrals.exceptions import TransitionRefused
from tests.referrals.factories import _years_before, child_answers, information_gathering_referral

from ..steps import bring_to

pytestmark = pytest.mark.django_db
S = ChannelStage
TODAY = timezone.localdate


def _adopted_case_born(born, *, referrer, triage_officer, users):
    answers = child_answers(date_of_birth=born)
    referral = information_gathering_referral(user=referrer, screener=triage_officer, **answers)
    referral = referral_services.referral_refer_to_channel(referral=referral, actor=triage_officer)
    channel_case = ChannelCase.objects.select_related("referral").get(referral=referral)
    return bring_to(channel_case, S.AWAITING_CONSENT, users)


def _answer(channel_case, actor, **overrides):
    values = {
        "outcome": "given",
        "given_by": "person",
        "decided_on": TODAY(),
        "how_obtained": "in_person",
        "note": "",
    } | overrides
    return consent_record(channel_case=channel_case, actor=actor, **values)


def test_age_on_counts_whole_years():
    assert age_on(datetime.date(2008, 6, 1), datetime.date(2026, 5, 31)) == 17
    assert age_on(datetime.date(2008, 6, 1), datetime.date(2026, 6, 1)) == 18


def test_someone_18_on_the_decision_date_answers_for_themselves(referrer, triage_officer, users):
    born = _years_before(TODAY(), 18)  # 18 today
    channel_case = _adopted_case_born(born, referrer=referrer, triage_officer=triage_officer, users=users)
    with pytest.raises(ChannelInvalid) as caught:
        _answer(channel_case, triage_officer, given_by="parent_or_carer")
    assert "must be their own" in caught.value.errors["given_by"][0]
    assert not ChannelConsent.objects.exists()
    _answer(channel_case, triage_officer, given_by="person")
    assert ChannelCase.objects.get(pk=channel_case.pk).state == S.SUPPORTED


def test_someone_17_on_the_decision_date_needs_a_parent_or_carer(referrer, triage_officer, users):
    born = _years_before(TODAY(), 18) + datetime.timedelta(days=1)  # 18 tomorrow
    channel_case = _adopted_case_born(born, referrer=referrer, triage_officer=triage_officer, users=users)
    with pytest.raises(ChannelInvalid) as caught:
        _answer(channel_case, triage_officer, given_by="person")
    assert "parent or carer must answer" in caught.value.errors["given_by"][0]
    assert ChannelCase.objects.get(pk=channel_case.pk).state == S.AWAITING_CONSENT
    consent = _answer(channel_case, triage_officer, given_by="parent_or_carer")
    assert consent.given_by == "parent_or_carer"


def test_the_age_is_taken_on_the_decision_date_not_today(referrer, triage_officer, users):
    born = _years_before(TODAY(), 18) - datetime.timedelta(days=1)  # 18 since yesterday
    channel_case = _adopted_case_born(born, referrer=referrer, triage_officer=triage_officer, users=users)
    two_days_ago = TODAY() - datetime.timedelta(days=2)  # 17 then
    _received(channel_case, 3)
    with pytest.raises(ChannelInvalid):
        _answer(channel_case, triage_officer, given_by="person", decided_on=two_days_ago)
    _answer(channel_case, triage_officer, given_by="parent_or_carer", decided_on=two_days_ago)


def test_consent_given_moves_the_case_to_supported_and_is_audited(adopted, triage_officer, assert_audited):
    consent = _answer(adopted, triage_officer, note="Canary consent note 9d")
    adopted.refresh_from_db()
    assert adopted.state == S.SUPPORTED
    assert adopted.consent_given_on == TODAY()
    assert_audited("CHANNEL_CONSENT_RECORDED", adopted, answer="given", given_by="person")
    assert ChannelConsent.objects.get(pk=consent.pk).note == "Canary consent note 9d"


def test_refused_consent_sets_the_reassessment_date(adopted, channel_chair):
    reassess = TODAY() + datetime.timedelta(days=90)
    _answer(adopted, channel_chair, outcome="refused", reassess_on=reassess, how_obtained="phone")
    adopted.refresh_from_db()
    assert (adopted.state, adopted.reassess_on) == (S.CONSENT_REFUSED, reassess)


def test_refused_consent_without_a_future_reassessment_date_is_refused(adopted, channel_chair):
    for reassess in (None, TODAY()):
        with pytest.raises(ChannelInvalid) as caught:
            _answer(adopted, channel_chair, outcome="refused", reassess_on=reassess)
        assert "reassess_on" in caught.value.errors
    assert not ChannelConsent.objects.exists()
    assert ChannelCase.objects.get(pk=adopted.pk).state == S.AWAITING_CONSENT


@pytest.mark.parametrize(
    ("field", "value"),
    [("outcome", "maybe"), ("how_obtained", "carrier pigeon"), ("decided_on", None), ("given_by", "neighbour")],
)
def test_bad_input_is_refused_and_nothing_is_written(adopted, triage_officer, field, value):
    with pytest.raises(ChannelInvalid) as caught:
        _answer(adopted, triage_officer, **{field: value})
    assert field in caught.value.errors
    assert not ChannelConsent.objects.exists()


def test_a_future_decision_date_is_refused(adopted, triage_officer):
    with pytest.raises(ChannelInvalid) as caught:
        _answer(adopted, triage_officer, decided_on=TODAY() + datetime.timedelta(days=1))
    assert "decided_on" in caught.value.errors


@pytest.mark.parametrize("role", ["panel_member", "police_prevent_officer", "prevent_lead", "other_triage_officer"])
def test_only_the_chair_and_triage_officer_of_the_council_record_consent(request, adopted, role):
    with pytest.raises(TransitionRefused):
        _answer(adopted, request.getfixturevalue(role))
    assert not ChannelConsent.objects.exists()


def test_support_cannot_start_without_consent_given(adopted, channel_chair, triage_officer, mentoring, provider):
    with pytest.raises(ChannelInvalid) as caught:
        intervention_create(
            channel_case=adopted,
            actor=channel_chair,
            intervention_type=mentoring,
            planned_start=TODAY(),
            provider=provider,
        )
    assert "without consent" in caught.value.errors["__all__"][0]
    assert not Intervention.objects.exists()


def test_withdrawn_consent_stops_the_support_plan(supported, channel_chair, mentoring, provider):
    _answer(supported, channel_chair, outcome="withdrawn")
    with pytest.raises(ChannelInvalid):
        intervention_create(
            channel_case=supported,
            actor=channel_chair,
            intervention_type=mentoring,
            planned_start=TODAY(),
            provider=provider,
        )


def _received(channel_case, days_ago):
    """The case's referral as received `days_ago` days ago (a case in the fixtures is received today)."""
    from referrals.models import Referral

    Referral.objects.filter(pk=channel_case.referral_id).update(
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    channel_case.referral.refresh_from_db()


def test_an_answer_dated_before_the_referral_was_received_is_refused(adopted, triage_officer):
    _received(adopted, 10)
    received = TODAY() - datetime.timedelta(days=10)
    with pytest.raises(ChannelInvalid) as caught:
        _answer(adopted, triage_officer, decided_on=received - datetime.timedelta(days=1))
    assert caught.value.errors == {
        "decided_on": [
            f"The date of the answer must be on or after the day the referral was received, {received:%-d %B %Y}"
        ]
    }
    assert not ChannelConsent.objects.exists()
    assert ChannelCase.objects.get(pk=adopted.pk).consent_given_on is None
    _answer(adopted, triage_officer, decided_on=received)
    assert ChannelCase.objects.get(pk=adopted.pk).consent_given_on == received
