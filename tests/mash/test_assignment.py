"""Opening the assessment on submit, and assigning cases: one or several, audited, refused when not allowed."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import override_settings
from django.urls import reverse

from accounts.models import Nation, Role
from audit.models import AuditEvent
from mash import services
from mash.calendar import working_days_after
from mash.exceptions import AssignmentRefused
from mash.models import Assessment
from referrals import services as referral_services
from referrals.choices import ClosingReason
from tests.referrals.factories import child_answers, draft_referral, screening_referral, submitted_referral

pytestmark = pytest.mark.django_db


def test_submitting_opens_the_assessment_with_a_due_date_in_working_days(referrer, local_authority):
    local_authority.nation = Nation.SCOTLAND
    local_authority.save()
    with override_settings(SCREENING_DUE_WORKING_DAYS=3):
        referral = submitted_referral(user=referrer)
    assessment = Assessment.objects.get(referral=referral)
    submitted_on = referral.submitted_at.astimezone(datetime.UTC).date()
    assert assessment.screening_due_on == working_days_after(submitted_on, 3, Nation.SCOTLAND)
    assert assessment.assigned_to is None
    assert (assessment.under_18, assessment.immediate_risk) == (False, False)


def test_the_flags_are_set_from_the_answers_at_submission(referrer):
    referral = draft_referral(user=referrer)
    referral = referral_services.referral_draft_save(
        referral=referral, actor=referrer, answers=child_answers(immediate_risk="yes")
    )
    referral = referral_services.referral_submit(referral=referral, actor=referrer)
    assessment = Assessment.objects.get(referral=referral)
    assert (assessment.under_18, assessment.immediate_risk) == (True, True)


def test_a_drafts_save_opens_no_assessment(referrer):
    draft_referral(user=referrer)
    assert not Assessment.objects.exists()


def test_assign_and_reassign_are_audited(referrer, triage_officer, police_prevent_officer, assert_audited):
    referral = submitted_referral(user=referrer)
    services.referral_assign(referral=referral, actor=triage_officer, assignee=police_prevent_officer)
    assert Assessment.objects.get(referral=referral).assigned_to == police_prevent_officer
    assert_audited("REFERRAL_ASSIGNED", referral, assignee_id=police_prevent_officer.pk)
    services.referral_assign(referral=referral, actor=police_prevent_officer, assignee=triage_officer)
    assert Assessment.objects.get(referral=referral).assigned_to == triage_officer
    assert_audited("REFERRAL_ASSIGNED", referral, assignee_id=triage_officer.pk)


@pytest.mark.parametrize("who", ["prevent_lead", "referrer", "other_triage_officer"])
def test_only_a_triage_or_police_officer_of_the_council_assigns(request, who, referrer, triage_officer):
    referral = submitted_referral(user=referrer)
    actor = request.getfixturevalue(who)
    with pytest.raises(AssignmentRefused) as refused:
        services.referral_assign(referral=referral, actor=actor, assignee=triage_officer)
    assert refused.value.permission
    assert Assessment.objects.get(referral=referral).assigned_to is None
    assert AuditEvent.objects.filter(action="REFERRAL_ASSIGNED", outcome="refused", actor_id=actor.pk).exists()


@pytest.mark.parametrize("who", ["prevent_lead", "referrer", "other_triage_officer"])
def test_the_assignee_is_a_triage_or_police_officer_of_the_council(request, who, referrer, triage_officer):
    referral = submitted_referral(user=referrer)
    with pytest.raises(AssignmentRefused, match="Select a triage officer or police Prevent officer"):
        services.referral_assign(referral=referral, actor=triage_officer, assignee=request.getfixturevalue(who))
    assert Assessment.objects.get(referral=referral).assigned_to is None
    assert AuditEvent.objects.filter(action="REFERRAL_ASSIGNED", outcome="refused").exists()


def test_bulk_assignment_is_all_or_nothing(referrer, triage_officer, police_prevent_officer):
    first, second = submitted_referral(user=referrer), submitted_referral(user=referrer, given_name="Bea")
    closed = referral_services.referral_close(
        referral=screening_referral(user=referrer, screener=triage_officer, given_name="Cy"),
        actor=triage_officer,
        reason_code=ClosingReason.NFA_NO_CONCERN,
        summary="Closed.",
    )
    with pytest.raises(AssignmentRefused, match="no longer with the MASH"):
        services.referrals_assign(referrals=[first, second, closed], actor=triage_officer, assignee=triage_officer)
    assert not Assessment.objects.filter(assigned_to__isnull=False).exists()
    services.referrals_assign(referrals=[first, second], actor=triage_officer, assignee=police_prevent_officer)
    assert Assessment.objects.filter(assigned_to=police_prevent_officer).count() == 2
    assert AuditEvent.objects.filter(action="REFERRAL_ASSIGNED", outcome="done").count() == 2


def test_assigning_from_the_queue(client, referrer, triage_officer, police_prevent_officer):
    first, second = submitted_referral(user=referrer), submitted_referral(user=referrer, given_name="Bea")
    client.force_login(triage_officer)
    response = client.post(
        reverse("referrals:referral-queue-assign"),
        {
            "references": [first.reference, second.reference],
            "assignee": police_prevent_officer.pk,
            "return_query": "stage=new&mine=1&evil=1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:referral-queue") + "?stage=new&mine=1"
    assert Assessment.objects.filter(assigned_to=police_prevent_officer).count() == 2
    body = client.get(response["Location"]).content.decode()
    assert "2 cases assigned to" in body


def test_assigning_nothing_shows_errors(client, referrer, triage_officer, other_triage_officer):
    submitted_referral(user=referrer)
    client.force_login(triage_officer)
    response = client.post(reverse("referrals:referral-queue-assign"), {"assignee": other_triage_officer.pk})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Select one or more cases to assign" in body
    assert "Select who to assign the cases to" in body  # another council's officer is not a choice
    assert not Assessment.objects.filter(assigned_to__isnull=False).exists()


def test_a_case_of_another_council_cannot_be_assigned_from_the_queue(
    client, referrer, make_user, other_local_authority, triage_officer
):
    other_referrer = make_user(other_local_authority, Role.REFERRER, prefix="other-")
    theirs = submitted_referral(user=other_referrer)
    client.force_login(triage_officer)
    response = client.post(
        reverse("referrals:referral-queue-assign"), {"references": [theirs.reference], "assignee": triage_officer.pk}
    )
    assert response.status_code == 200
    assert "Select cases from the list" in response.content.decode()
    assert Assessment.objects.get(referral=theirs).assigned_to is None


def test_the_queue_offers_a_tick_box_only_where_assigning_can_succeed(client, referrer, triage_officer):
    """A case with Channel (or closed) is no longer MASH work: the service would refuse it, so no box."""
    new = submitted_referral(user=referrer)
    closed = referral_services.referral_close(
        referral=screening_referral(user=referrer, screener=triage_officer, given_name="Cy"),
        actor=triage_officer,
        reason_code=ClosingReason.NFA_NO_CONCERN,
        summary="Closed.",
    )
    client.force_login(triage_officer)
    body = client.get(reverse("referrals:referral-queue")).content.decode()
    boxes = re.findall(
        r'<input class="govuk-checkboxes__input" id="([^"]+)" name="references"[^>]*value="([^"]+)"', body
    )
    # Newest first: the closed case heads the page, yet the first box (the error summary's target) is the new one's.
    assert boxes == [("id_references", new.reference)]
    assert closed.reference in body
    assert "Assign selected cases" in body
    # Once the last assignable case is closed, a page with nothing to assign offers no assigning at all.
    services.referral_assign(referral=new, actor=triage_officer, assignee=triage_officer)
    referral_services.referral_close(
        referral=referral_services.referral_start_screening(referral=new, actor=triage_officer),
        actor=triage_officer,
        reason_code=ClosingReason.NFA_NO_CONCERN,
        summary="Closed.",
    )
    nothing = client.get(reverse("referrals:referral-queue")).content.decode()
    assert closed.reference in nothing
    assert "Assign selected cases" not in nothing
    assert 'name="references"' not in nothing


def test_a_refused_assignment_shows_the_cases_still_ticked(client, referrer, triage_officer, other_triage_officer):
    """The queue reads the ticked references once per page (mash.views), not once per row: still each box."""
    first, second = submitted_referral(user=referrer), submitted_referral(user=referrer, given_name="Bea")
    client.force_login(triage_officer)
    response = client.post(
        reverse("referrals:referral-queue-assign"),
        {"references": [second.reference], "assignee": other_triage_officer.pk},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'value="{second.reference}" checked' in body
    assert f'value="{first.reference}" checked' not in body
    assert f'value="{first.reference}">' in body
