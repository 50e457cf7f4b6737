"""Opening a Channel case on hand-over, closing routes, and what the audit log holds."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from audit.models import AuditEvent
from channel.choices import ChannelStage
from channel.models import ChannelCase, ChannelDecision
from channel.services import channel_case_open
from referrals import services as referral_services
from referrals.choices import ClosingReason, ReferralStatus
from referrals.exceptions import ReferralInvalid, TransitionNotPossible, TransitionRefused
from referrals.models import Referral
from referrals.signals import referral_handed_to_channel
from tests.referrals.factories import information_gathering_referral

from .steps import bring_to, take

pytestmark = pytest.mark.django_db
S = ChannelStage


@pytest.fixture
def users(channel_chair, triage_officer, prevent_lead):
    return {"channel_chair": channel_chair, "triage_officer": triage_officer, "prevent_lead": prevent_lead}


def test_handing_over_lists_exactly_one_channel_case(handed_over, triage_officer, assert_audited):
    channel_case = ChannelCase.objects.get(referral=handed_over)
    assert channel_case.state == S.LISTED
    assert_audited("CHANNEL_CASE_OPENED", channel_case)
    # The signal again (a retried hand-over, a second receiver call): still one case, one event.
    with transaction.atomic():
        referral_handed_to_channel.send(sender=Referral, referral_id=handed_over.pk, actor=triage_officer)
        again = channel_case_open(referral_id=handed_over.pk, actor=triage_officer)
    assert again.pk == channel_case.pk
    assert ChannelCase.objects.filter(referral=handed_over).count() == 1
    assert AuditEvent.objects.filter(action="CHANNEL_CASE_OPENED").count() == 1


def test_the_channel_case_is_written_in_the_referral_s_transaction(referrer, triage_officer):
    """A failure later in the hand-over rolls back both the referral's move and the listing."""
    referral = information_gathering_referral(user=referrer, screener=triage_officer)

    def fail(**_):
        raise RuntimeError("later receiver fails")

    referral_handed_to_channel.connect(fail, dispatch_uid="test.fail")
    try:
        with pytest.raises(RuntimeError):
            referral_services.referral_refer_to_channel(referral=referral, actor=triage_officer)
    finally:
        referral_handed_to_channel.disconnect(dispatch_uid="test.fail")
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.INFORMATION_GATHERING
    assert not ChannelCase.objects.exists()


@pytest.mark.parametrize(
    "route",
    [
        (S.LISTED, "not_adopt", ClosingReason.CHANNEL_NOT_ADOPTED),
        (S.POST_EXIT_REVIEW, "complete", ClosingReason.CHANNEL_COMPLETED),
        (S.SUPPORTED, "withdraw", ClosingReason.CHANNEL_WITHDRAWN),
    ],
)
def test_closing_routes_close_the_referral_with_reason_and_summary(channel_case, users, assert_audited, route):
    stage, step, reason = route
    channel_case = bring_to(channel_case, stage, users)
    actor = users["prevent_lead" if step == "withdraw" else "channel_chair"]
    take(channel_case, step, actor, note="Closing summary written by the panel.")
    referral = Referral.objects.get(pk=channel_case.referral_id)
    assert referral.status == ReferralStatus.CLOSED
    assert referral.closing_reason == reason
    assert referral.closing_summary == "Closing summary written by the panel."
    assert referral.closed_at is not None
    assert ChannelCase.objects.get(pk=channel_case.pk).closed_at is not None
    event = assert_audited("REFERRAL_STATUS_CHANGED", referral, transition="close_from_channel")
    assert event.reason_code == reason


def test_non_closing_steps_leave_the_referral_with_channel(channel_case, users):
    channel_case = bring_to(channel_case, S.POST_EXIT_REVIEW, users)
    assert Referral.objects.get(pk=channel_case.referral_id).status == ReferralStatus.WITH_CHANNEL


def test_a_triage_officer_completes_but_never_withdraws(channel_case, users):
    """The referral's own lock: a triage officer may close from Channel only to complete (ACCESS.md)."""
    referral = channel_case.referral
    assert referral_services.referral_close_from_channel_permitted(
        referral=referral, actor=users["triage_officer"], reason_code=ClosingReason.CHANNEL_COMPLETED
    )
    assert not referral_services.referral_close_from_channel_permitted(
        referral=referral, actor=users["triage_officer"], reason_code=ClosingReason.CHANNEL_WITHDRAWN
    )
    with pytest.raises(TransitionRefused):
        referral_services.referral_close_from_channel(
            referral=referral, actor=users["triage_officer"], reason_code=ClosingReason.CHANNEL_WITHDRAWN, summary="S"
        )
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.WITH_CHANNEL


def test_close_from_channel_refuses_pre_channel_reasons_and_other_stages(channel_case, users, referrer, triage_officer):
    with pytest.raises(ReferralInvalid):
        referral_services.referral_close_from_channel(
            referral=channel_case.referral,
            actor=users["channel_chair"],
            reason_code=ClosingReason.NFA_NO_CONCERN,
            summary="Summary.",
        )
    early = information_gathering_referral(user=referrer, screener=triage_officer)
    with pytest.raises(TransitionNotPossible):
        referral_services.referral_close_from_channel(
            referral=early, actor=users["prevent_lead"], reason_code=ClosingReason.CHANNEL_WITHDRAWN, summary="S."
        )


def test_the_pre_channel_close_refuses_channel_reasons(referrer, triage_officer):
    referral = information_gathering_referral(user=referrer, screener=triage_officer)
    with pytest.raises(ReferralInvalid) as refused:
        referral_services.referral_close(
            referral=referral, actor=triage_officer, reason_code=ClosingReason.CHANNEL_WITHDRAWN, summary="S."
        )
    assert "reason_code" in refused.value.errors


def test_the_close_button_of_the_case_page_never_offers_closing_from_channel(channel_case, prevent_lead):
    from referrals.permissions import transitions_available

    assert transitions_available(channel_case.referral, prevent_lead) == []


def test_a_refused_closing_step_writes_nothing(channel_case, users, triage_officer):
    with pytest.raises(TransitionRefused):
        take(channel_case, "withdraw", triage_officer)
    assert Referral.objects.get(pk=channel_case.referral_id).status == ReferralStatus.WITH_CHANNEL
    assert not ChannelDecision.objects.exists()
    assert AuditEvent.objects.filter(action="CHANNEL_STAGE_CHANGED", outcome="refused").count() == 1


def test_no_personal_data_in_audit_details_or_outside_the_encrypted_note(referrer, triage_officer, users, canaries):
    referral = information_gathering_referral(
        user=referrer, screener=triage_officer, given_name=canaries["first_name"], family_name=canaries["last_name"]
    )
    referral_services.referral_refer_to_channel(referral=referral, actor=triage_officer)
    channel_case = ChannelCase.objects.select_related("referral").get(referral=referral)
    take(channel_case, "adopt", users["channel_chair"], note=canaries["narrative"])
    with pytest.raises(TransitionRefused):
        take(channel_case, "record_consent_given", users["prevent_lead"], note=canaries["narrative"])
    take(channel_case, "withdraw", users["prevent_lead"], note=f"{canaries['first_name']} moved away.")
    events = list(AuditEvent.objects.all().values())
    dumped = json.dumps(events, default=str)
    for value in canaries.values():
        assert value not in dumped
    # The note is stored encrypted: the raw column holds no canary either.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM channel_channeldecision")
        raw = b"".join(bytes(row[0]) for row in cursor.fetchall())
    assert canaries["narrative"].encode() not in raw
    assert ChannelDecision.objects.filter(transition="adopt").get().note == canaries["narrative"]
