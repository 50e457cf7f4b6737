"""A post-exit review is recorded with its outcome whichever way the user comes to it: the Channel section's
"Record the 6-month review" and "Record the 12-month review and complete" buttons lead to the Reviews form,
whose service writes the PostExitReview row; the generic step page and service no longer take the step bare."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from channel.choices import ChannelStage
from channel.exceptions import PostExitReviewNeedsOutcome
from channel.models import ChannelCase, ChannelDecision, PostExitReview
from channel.services import channel_case_transition
from referrals.choices import ReferralStatus

from ..steps import exit_dated, take

pytestmark = pytest.mark.django_db
S = ChannelStage


@pytest.fixture
def exited(supported, users):
    """Exited 13 months ago: both review windows are open today."""
    take(supported, "exit", users["channel_chair"], note="Closing report.")
    channel_case = ChannelCase.objects.select_related("referral__local_authority").get(pk=supported.pk)
    return exit_dated(channel_case)


def _channel_section(client, channel_case) -> str:
    url = reverse("referrals:referral-section", args=[channel_case.referral.reference, "channel"])
    return client.get(url).content.decode()


def _button_href(page: str, label: str) -> str:
    found = re.search(rf'<a href="([^"]+)" role="button"[^>]*>{re.escape(label)}</a>', page)
    assert found, label
    return found.group(1)


def _fresh(channel_case) -> ChannelCase:
    return ChannelCase.objects.select_related("referral__local_authority").get(pk=channel_case.pk)


def test_the_case_page_buttons_record_the_6_and_12_month_reviews_with_their_outcomes(
    client, exited, triage_officer, assert_audited
):
    client.force_login(triage_officer)
    form_url = reverse("channel:post-exit-review-record", args=[exited.referral.reference])

    six_url = _button_href(_channel_section(client, exited), "Record the 6-month review")
    assert six_url == form_url
    assert client.get(six_url).status_code == 200
    response = client.post(six_url, {"outcome": "NO_CONCERNS", "note": "Seen at home.", "shown_state": "exited"})
    assert response.status_code == 302
    six = PostExitReview.objects.get(channel_case=exited, kind="six")
    assert six.outcome == "NO_CONCERNS"
    assert (six.decision.transition, six.decision.note) == ("record_six_month_review", "Seen at home.")
    assert _fresh(exited).state == S.POST_EXIT_REVIEW
    assert_audited("CHANNEL_POST_EXIT_REVIEW_RECORDED", exited, kind="six", decision_id=str(six.decision_id))

    twelve_url = _button_href(_channel_section(client, exited), "Record the 12-month review and complete")
    assert twelve_url == form_url
    response = client.post(
        twelve_url, {"outcome": "CONCERNS_MANAGED", "note": "Known to the GP.", "shown_state": "post_exit_review"}
    )
    assert response.status_code == 302
    twelve = PostExitReview.objects.get(channel_case=exited, kind="twelve")
    assert (twelve.outcome, twelve.decision.transition) == ("CONCERNS_MANAGED", "complete")
    stored = _fresh(exited)
    assert stored.state == S.COMPLETED
    assert stored.referral.status == ReferralStatus.CLOSED
    # Every review step recorded has its review row.
    steps = ChannelDecision.objects.filter(channel_case=exited, transition__in=("record_six_month_review", "complete"))
    assert set(steps.values_list("pk", flat=True)) == {six.decision_id, twelve.decision_id}


@pytest.mark.parametrize("stage", [S.EXITED, S.POST_EXIT_REVIEW])
def test_the_generic_step_service_refuses_a_review_without_its_outcome(exited, triage_officer, stage):
    if stage == S.POST_EXIT_REVIEW:
        take(exited, "record_six_month_review", triage_officer)
    step = "record_six_month_review" if stage == S.EXITED else "complete"
    decisions = ChannelDecision.objects.count()
    with pytest.raises(PostExitReviewNeedsOutcome) as refused:
        channel_case_transition(channel_case=exited, actor=triage_officer, transition=step, note="No outcome.")
    assert refused.value.errors == {"__all__": [PostExitReviewNeedsOutcome.MESSAGE]}
    stored = _fresh(exited)
    assert stored.state == stage
    assert stored.referral.status == ReferralStatus.WITH_CHANNEL
    assert ChannelDecision.objects.count() == decisions
    assert PostExitReview.objects.filter(channel_case=exited).count() == (stage == S.POST_EXIT_REVIEW)


@pytest.mark.parametrize("stage", [S.EXITED, S.POST_EXIT_REVIEW])
def test_the_generic_step_page_moves_nothing_and_sends_to_the_review_form(client, exited, triage_officer, stage):
    if stage == S.POST_EXIT_REVIEW:
        take(exited, "record_six_month_review", triage_officer)
    step = "record_six_month_review" if stage == S.EXITED else "complete"
    client.force_login(triage_officer)
    step_url = reverse("channel:case-step", args=[exited.referral.reference, step])
    form_url = reverse("channel:post-exit-review-record", args=[exited.referral.reference])
    assert client.get(step_url)["Location"] == form_url
    reviews = PostExitReview.objects.count()
    response = client.post(step_url, {"note": "A bare step.", "shown_state": stage}, follow=True)
    assert response.redirect_chain[0] == (form_url, 302)
    assert "Nothing was recorded: record the post-exit review with what it found." in response.content.decode()
    assert _fresh(exited).state == stage
    assert PostExitReview.objects.count() == reviews


def test_the_generic_step_page_still_refuses_a_role_that_may_not(client, exited, prevent_lead):
    client.force_login(prevent_lead)
    step_url = reverse("channel:case-step", args=[exited.referral.reference, "record_six_month_review"])
    assert client.post(step_url, {"note": "x"}).status_code == 403
    refusal = AuditEvent.objects.get(action="CHANNEL_STAGE_CHANGED", outcome="refused", actor_id=prevent_lead.pk)
    assert refusal.details == {"transition": "record_six_month_review", "stage_before": "exited"}
    assert _fresh(exited).state == S.EXITED


def test_the_6_month_form_submitted_twice_is_a_409_not_the_12_month_review(client, exited, triage_officer):
    """The second submission of the 6-month form must not record (and complete with) the 12-month review."""
    client.force_login(triage_officer)
    url = reverse("channel:post-exit-review-record", args=[exited.referral.reference])
    posted = {"outcome": "NO_CONCERNS", "note": "Seen at home.", "shown_state": "exited"}
    assert client.post(url, posted).status_code == 302
    assert client.post(url, posted).status_code == 409
    assert list(PostExitReview.objects.filter(channel_case=exited).values_list("kind", flat=True)) == ["six"]
    assert _fresh(exited).state == S.POST_EXIT_REVIEW
    assert AuditEvent.objects.filter(action="CHANNEL_TRANSITION_CONFLICTED", outcome="refused").exists()
