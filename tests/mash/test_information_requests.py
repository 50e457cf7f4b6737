"""Information requests: create, answer, decline, chase, withdraw, each audited; refusals audited and nothing
written; the due date a working day of the council's nation, not in the past."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone

from accounts.models import Nation
from audit.models import AuditEvent
from core.models import OutboxMessage
from mash.information_requests import services
from mash.information_requests.exceptions import InformationRequestInvalid, InformationRequestRefused
from mash.models import InformationRequest, InformationRequestAttachment, InformationRequestUserObjectPermission
from tests.referrals.factories import screening_referral

from .factories import QUESTION, next_working_day, open_request, organisation_in, partner_in

pytestmark = pytest.mark.django_db


def _create(referral, actor, partner, **overrides):
    arguments = {
        "referral": referral,
        "actor": actor,
        "organisation": partner.membership.organisation,
        "addressee": partner,
        "question": QUESTION,
        "due_on": next_working_day(referral.local_authority),
    } | overrides
    return services.information_request_create(**arguments)


def test_create_seals_the_question_grants_the_request_queues_the_email_and_audits(
    gathering_case, triage_officer, partner, assert_audited
):
    information_request = _create(gathering_case, triage_officer, partner)
    stored = InformationRequest.objects.get(pk=information_request.pk)
    assert stored.question == QUESTION
    assert stored.status == "open"
    assert QUESTION.encode() not in InformationRequest.objects.values_list("question", flat=True).get().data
    grant = InformationRequestUserObjectPermission.objects.get(content_object=information_request)
    assert grant.user == partner
    assert grant.expires_at > timezone.now()
    assert OutboxMessage.objects.filter(topic=services.NOTIFY, object_id=str(information_request.pk)).exists()
    event = assert_audited(
        "INFORMATION_REQUEST_CREATED", gathering_case, request_id=str(information_request.pk), addressee_id=partner.pk
    )
    assert "Canary" not in str(event.details)


@pytest.mark.parametrize("who", ["police_prevent_officer", "prevent_lead", "partner", "other_triage_officer"])
def test_create_by_anyone_but_the_councils_triage_officer_is_refused_and_audited(request, gathering_case, partner, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(InformationRequestRefused):
        _create(gathering_case, actor, partner)
    assert not InformationRequest.objects.exists()
    assert AuditEvent.objects.filter(
        action="INFORMATION_REQUEST_CREATED", outcome="refused", actor_id=actor.pk
    ).exists()


def test_create_outside_information_gathering_is_refused(referrer, triage_officer, partner):
    referral = screening_referral(user=referrer, screener=triage_officer)
    with pytest.raises(InformationRequestRefused):
        _create(referral, triage_officer, partner)
    assert not InformationRequest.objects.exists()


def test_a_due_date_in_the_past_is_refused_with_its_message(gathering_case, triage_officer, partner):
    with pytest.raises(InformationRequestInvalid) as caught:
        _create(gathering_case, triage_officer, partner, due_on=timezone.localdate() - datetime.timedelta(days=1))
    assert caught.value.errors == {"due_on": ["The due date must be today or in the future"]}
    assert not InformationRequest.objects.exists()


@pytest.mark.parametrize(
    ("nation", "holiday"),
    [
        (Nation.ENGLAND, datetime.date(2027, 12, 27)),  # Christmas Day falls on a Saturday: the Monday is off
        (Nation.SCOTLAND, datetime.date(2028, 1, 4)),  # 2 January substitute day, Scotland only
        (Nation.NORTHERN_IRELAND, datetime.date(2027, 3, 17)),  # St Patrick's Day
    ],
)
def test_a_due_date_on_a_bank_holiday_of_the_councils_nation_is_refused(
    gathering_case, triage_officer, partner, nation, holiday
):
    gathering_case.local_authority.nation = nation
    gathering_case.local_authority.save()
    with pytest.raises(InformationRequestInvalid) as caught:
        _create(gathering_case, triage_officer, partner, due_on=holiday)
    assert "must be a working day" in caught.value.errors["due_on"][0]
    assert Nation(nation).label in caught.value.errors["due_on"][0]


def test_a_weekend_due_date_is_refused(gathering_case, triage_officer, partner):
    saturday = timezone.localdate() + datetime.timedelta(days=(5 - timezone.localdate().weekday()) % 7 or 7)
    with pytest.raises(InformationRequestInvalid) as caught:
        _create(gathering_case, triage_officer, partner, due_on=saturday)
    assert "due_on" in caught.value.errors


def test_the_addressee_must_be_a_partner_contributor_of_the_chosen_organisation(
    gathering_case, triage_officer, partner, police_prevent_officer, local_authority
):
    other_organisation = organisation_in(local_authority, "Hill Street Academy")
    with pytest.raises(InformationRequestInvalid) as caught:
        _create(gathering_case, triage_officer, partner, organisation=other_organisation)
    assert caught.value.errors == {"addressee": ["Select a partner contributor of Hill Street Academy"]}
    with pytest.raises(InformationRequestInvalid):
        _create(gathering_case, triage_officer, police_prevent_officer, organisation=partner.membership.organisation)
    assert not InformationRequest.objects.exists()


def test_the_addressee_answers_once_with_a_file_and_their_access_ends(
    gathering_case, triage_officer, partner, assert_audited
):
    information_request = open_request(referral=gathering_case, triage=triage_officer, partner=partner)
    upload = services.Upload(io.BytesIO(b"%PDF-1.4 notes"), "notes.pdf", 14)
    services.information_request_answer(
        information_request=information_request, actor=partner, answer="Known to us since 2024.", uploads=[upload]
    )
    information_request.refresh_from_db()
    assert (information_request.status, information_request.answer) == ("answered", "Known to us since 2024.")
    assert InformationRequestAttachment.objects.get(request=information_request).filename == "notes.pdf"
    assert not InformationRequestUserObjectPermission.objects.filter(content_object=information_request).exists()
    assert_audited("INFORMATION_REQUEST_ANSWERED", gathering_case, attachments=1)
    assert_audited("INFORMATION_REQUEST_ACCESS_ENDED", gathering_case, via="answered")


def test_a_second_answer_is_refused_with_a_clear_message_audited_and_nothing_written(
    gathering_case, triage_officer, partner
):
    information_request = open_request(referral=gathering_case, triage=triage_officer, partner=partner)
    services.information_request_answer(information_request=information_request, actor=partner, answer="First.")
    information_request.refresh_from_db()
    with pytest.raises(InformationRequestRefused, match="already answered"):
        services.information_request_answer(
            information_request=information_request,
            actor=partner,
            answer="Second.",
            uploads=[services.Upload(io.BytesIO(b"%PDF-1.4 x"), "x.pdf", 10)],
        )
    information_request.refresh_from_db()
    assert information_request.answer == "First."
    assert not InformationRequestAttachment.objects.exists()
    assert AuditEvent.objects.filter(action="INFORMATION_REQUEST_ANSWERED", outcome="refused").exists()


def test_answering_a_request_answered_meanwhile_is_refused_under_the_lock(gathering_case, triage_officer, partner):
    """Two tabs: both loaded the open request; the second to send is refused by the locked re-check."""
    information_request = open_request(referral=gathering_case, triage=triage_officer, partner=partner)
    stale = InformationRequest.objects.select_related("referral").get(pk=information_request.pk)
    services.information_request_answer(information_request=information_request, actor=partner, answer="First.")
    stale.status = "open"  # as the second tab still believes
    with pytest.raises(InformationRequestRefused):
        services.information_request_answer(information_request=stale, actor=partner, answer="Second.")
    assert InformationRequest.objects.get(pk=information_request.pk).answer == "First."


@pytest.mark.parametrize("end", ["withdrawn", "expired"])
def test_answering_a_withdrawn_or_expired_request_is_refused(gathering_case, triage_officer, partner, end):
    information_request = open_request(referral=gathering_case, triage=triage_officer, partner=partner)
    if end == "withdrawn":
        services.information_request_withdraw(information_request=information_request, actor=triage_officer)
        message = "withdrawn"
    else:
        InformationRequestUserObjectPermission.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        message = "time to answer"
    information_request.refresh_from_db()
    with pytest.raises(InformationRequestRefused, match=message):
        services.information_request_answer(information_request=information_request, actor=partner, answer="Late.")
    information_request.refresh_from_db()
    assert information_request.answer is None
    assert AuditEvent.objects.filter(action="INFORMATION_REQUEST_ANSWERED", outcome="refused").exists()


def test_only_the_addressee_may_answer(gathering_case, triage_officer, partner, local_authority, organisation):
    information_request = open_request(referral=gathering_case, triage=triage_officer, partner=partner)
    colleague = partner_in(local_authority, organisation, prefix="colleague-")
    for actor in (colleague, triage_officer):
        with pytest.raises(InformationRequestRefused):
            services.information_request_answer(information_request=information_request, actor=actor, answer="Me.")
    assert InformationRequest.objects.get(pk=information_request.pk).status == "open"


def test_decline_needs_a_reason_and_ends_access(gathering_case, triage_officer, partner, assert_audited):
    information_request = open_request(referral=gathering_case, triage=triage_officer, partner=partner)
    with pytest.raises(InformationRequestInvalid):
        services.information_request_decline(information_request=information_request, actor=partner, reason="  ")
    services.information_request_decline(
        information_request=information_request, actor=partner, reason="We hold nothing."
    )
    information_request.refresh_from_db()
    assert (information_request.status, information_request.decline_reason) == ("declined", "We hold nothing.")
    assert not InformationRequestUserObjectPermission.objects.exists()
    assert_audited("INFORMATION_REQUEST_DECLINED", gathering_case)


def test_chase_by_hand_queues_a_reminder_and_is_the_triage_officers_only(
    gathering_case, triage_officer, partner, police_prevent_officer, assert_audited
):
    information_request = open_request(referral=gathering_case, triage=triage_officer, partner=partner)
    with pytest.raises(InformationRequestRefused):
        services.information_request_chase(information_request=information_request, actor=police_prevent_officer)
    assert AuditEvent.objects.filter(action="INFORMATION_REQUEST_CHASED", outcome="refused").exists()
    chased = services.information_request_chase(information_request=information_request, actor=triage_officer)
    assert chased.chase_count == 1
    assert OutboxMessage.objects.filter(topic=services.REMIND, object_id=str(information_request.pk)).count() == 1
    assert_audited("INFORMATION_REQUEST_CHASED", gathering_case, when="by_hand")


def test_withdraw_ends_access_and_a_withdrawn_request_cannot_be_withdrawn_again(
    gathering_case, triage_officer, partner, assert_audited
):
    information_request = open_request(referral=gathering_case, triage=triage_officer, partner=partner)
    services.information_request_withdraw(information_request=information_request, actor=triage_officer)
    information_request.refresh_from_db()
    assert information_request.status == "withdrawn"
    assert not InformationRequestUserObjectPermission.objects.exists()
    assert_audited("INFORMATION_REQUEST_WITHDRAWN", gathering_case)
    with pytest.raises(InformationRequestRefused):
        services.information_request_withdraw(information_request=information_request, actor=triage_officer)
