"""Post-exit reviews at 6 and 12 months in the council's working days, their outcomes, and the reminders."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_fsm import TransitionNotAllowed, can_proceed

from accounts.models import Nation
from channel.choices import ChannelStage
from channel.conditions import review_not_yet
from channel.exceptions import ChannelInvalid, PostExitReviewNotOpen
from channel.models import ChannelCase, ChannelDecision, InterventionType, PostExitReview, SupportReminder
from channel.support.plan import intervention_create
from channel.support.reminders import channel_support_reminders_due, support_reminder_send
from channel.support.reviews import post_exit_review_record, post_exit_reviews_due
from channel.support.schedule import post_exit_review_due, post_exit_review_opens
from channel.tasks import support_reminders_due
from core.models import OutboxMessage
from referrals.choices import ReferralStatus
from referrals.exceptions import TransitionRefused

from ..steps import exit_dated, take

pytestmark = pytest.mark.django_db
S = ChannelStage
D = datetime.date


@pytest.mark.parametrize(
    ("exited_on", "kind", "nation", "due"),
    [
        # 25 June + 6 months is Christmas Day (a Friday); Boxing Day's substitute is Monday 28th.
        (D(2026, 6, 25), "six", Nation.ENGLAND, D(2026, 12, 29)),
        (D(2026, 6, 25), "six", Nation.SCOTLAND, D(2026, 12, 29)),
        # 1 January + 12 months is New Year's Day (a Friday); Scotland's 2 January falls on the Saturday,
        # so its substitute is Monday 4th there, and the review moves on to the 5th.
        (D(2026, 1, 1), "twelve", Nation.ENGLAND, D(2027, 1, 4)),
        (D(2026, 1, 1), "twelve", Nation.SCOTLAND, D(2027, 1, 5)),
        # St Patrick's Day is a bank holiday in Northern Ireland only.
        (D(2026, 3, 17), "twelve", Nation.NORTHERN_IRELAND, D(2027, 3, 18)),
        (D(2026, 3, 17), "twelve", Nation.ENGLAND, D(2027, 3, 17)),
        # 31 August + 6 months is the last day of February (a Saturday): the Monday after.
        (D(2025, 8, 31), "six", Nation.WALES, D(2026, 3, 2)),
        # A plain working day stays where it is.
        (D(2026, 1, 1), "six", Nation.ENGLAND, D(2026, 7, 1)),
    ],
)
def test_the_6_and_12_month_reviews_fall_on_working_days(exited_on, kind, nation, due):
    assert post_exit_review_due(exited_on, kind, nation) == due


@pytest.fixture
def exited(supported, users):
    take(supported, "exit", users["channel_chair"], note="Canary closing report 3b")
    return ChannelCase.objects.select_related("referral__local_authority").get(pk=supported.pk)


def _opens(channel_case, kind):
    exit_day = timezone.localdate(channel_case.exited_at)
    return post_exit_review_due(exit_day, kind, channel_case.referral.local_authority.nation) - datetime.timedelta(
        days=28
    )


def test_the_reviews_are_recorded_in_order_and_the_12_month_one_completes_the_case(
    exited, triage_officer, channel_chair, assert_audited
):
    exit_dated(exited)  # exited 13 months ago: both windows are open
    due = {row["kind"].value: row["due_on"] for row in post_exit_reviews_due(exited)}
    nation = exited.referral.local_authority.nation
    exit_day = timezone.localdate(exited.exited_at)
    assert due == {k: post_exit_review_due(exit_day, k, nation) for k in ("six", "twelve")}
    six = post_exit_review_record(
        channel_case=exited, actor=triage_officer, outcome="NO_CONCERNS", note="Settled at college."
    )
    assert (six.kind, six.due_on, exited.state) == ("six", due["six"], S.POST_EXIT_REVIEW)
    assert_audited("CHANNEL_POST_EXIT_REVIEW_RECORDED", exited, kind="six")
    twelve = post_exit_review_record(
        channel_case=exited, actor=channel_chair, outcome="CONCERNS_MANAGED", note="Supported by the GP."
    )
    exited.refresh_from_db()
    assert (twelve.kind, exited.state) == ("twelve", S.COMPLETED)
    assert exited.referral.status == ReferralStatus.CLOSED
    assert [row["review"].pk for row in post_exit_reviews_due(exited)] == [six.pk, twelve.pk]


def test_a_review_asked_for_on_the_day_of_exit_is_refused_naming_the_day_it_opens(
    exited, triage_officer, assert_audited
):
    opens = _opens(exited, "six")
    with pytest.raises(PostExitReviewNotOpen) as refused:
        post_exit_review_record(channel_case=exited, actor=triage_officer, outcome="NO_CONCERNS", note="Early.")
    assert refused.value.message == f"The 6-month review can be recorded from {opens:%-d %B %Y}"
    assert refused.value.errors == {"__all__": [refused.value.message]}
    event = assert_audited(
        "CHANNEL_STAGE_CHANGED", exited, outcome="refused", transition="record_six_month_review", stage_before="exited"
    )
    assert event.reason_code == "REVIEW_NOT_YET_OPEN"
    # Nothing half-written: no review, no decision, the case still exited and its referral open.
    stored = ChannelCase.objects.select_related("referral").get(pk=exited.pk)
    assert (stored.state, stored.six_month_review_at) == (S.EXITED, None)
    assert stored.referral.status == ReferralStatus.WITH_CHANNEL
    assert not PostExitReview.objects.exists()
    assert not ChannelDecision.objects.filter(channel_case=exited, transition="record_six_month_review").exists()


def test_the_window_opens_post_exit_review_early_days_before_the_due_day(exited, triage_officer, settings):
    exit_dated(exited, months_ago=5, days=10)  # the 6-month review is due in about 20 days
    ahead = (_opens(exited, "six") - timezone.localdate()).days + 28
    settings.POST_EXIT_REVIEW_EARLY_DAYS = ahead - 1  # opens tomorrow
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(PostExitReviewNotOpen, match=f"can be recorded from {tomorrow:%-d %B %Y}$"):
        post_exit_review_record(channel_case=exited, actor=triage_officer, outcome="NO_CONCERNS", note="x")
    settings.POST_EXIT_REVIEW_EARLY_DAYS = ahead  # opens today
    review = post_exit_review_record(channel_case=exited, actor=triage_officer, outcome="NO_CONCERNS", note="x")
    assert (review.kind, exited.state) == ("six", S.POST_EXIT_REVIEW)


def test_the_12_month_review_waits_for_its_own_window_and_nothing_closes(exited, triage_officer, channel_chair):
    exit_dated(exited, months_ago=7)  # the 6-month window is open, the 12-month one months away
    post_exit_review_record(channel_case=exited, actor=triage_officer, outcome="NO_CONCERNS", note="x")
    opens = _opens(exited, "twelve")
    with pytest.raises(PostExitReviewNotOpen, match=f"^The 12-month review can be recorded from {opens:%-d %B %Y}$"):
        post_exit_review_record(channel_case=exited, actor=channel_chair, outcome="NO_CONCERNS", note="Done.")
    stored = ChannelCase.objects.select_related("referral").get(pk=exited.pk)
    assert (stored.state, stored.closed_at) == (S.POST_EXIT_REVIEW, None)
    assert stored.referral.status == ReferralStatus.WITH_CHANNEL  # no closure, so no transfer and no purge
    assert list(PostExitReview.objects.values_list("kind", flat=True)) == ["six"]


def test_the_12_month_review_comes_only_after_the_6_month_one(exited):
    exit_dated(exited)  # both windows open, the 6-month review not recorded
    assert review_not_yet(exited, "complete") == "The 12-month review can be recorded only after the 6-month review"
    assert review_not_yet(exited, "record_six_month_review") == ""


def test_no_other_path_records_a_review_before_its_window(exited, channel_chair, triage_officer):
    """The transition's own condition: the generic step service and the model method refuse it too."""
    assert not can_proceed(exited.record_six_month_review)
    with pytest.raises(TransitionNotAllowed):
        exited.record_six_month_review()
    exited = ChannelCase.objects.select_related("referral__local_authority").get(pk=exited.pk)
    with pytest.raises(PostExitReviewNotOpen):
        take(exited, "record_six_month_review", triage_officer)
    assert ChannelCase.objects.get(pk=exited.pk).state == S.EXITED
    exit_dated(exited)
    assert can_proceed(exited.record_six_month_review)


def test_the_window_opens_a_fixed_number_of_days_before_the_due_day(settings):
    assert post_exit_review_opens(D(2027, 6, 1)) == D(2027, 5, 4)
    settings.POST_EXIT_REVIEW_EARLY_DAYS = 0
    assert post_exit_review_opens(D(2027, 6, 1)) == D(2027, 6, 1)


def test_a_review_without_an_outcome_or_a_note_writes_nothing(exited, triage_officer):
    with pytest.raises(ChannelInvalid):
        post_exit_review_record(channel_case=exited, actor=triage_officer, outcome="FINE", note="x")
    with pytest.raises(ChannelInvalid):
        post_exit_review_record(channel_case=exited, actor=triage_officer, outcome="NO_CONCERNS", note="")
    assert not PostExitReview.objects.exists()
    assert ChannelCase.objects.get(pk=exited.pk).state == S.EXITED


def test_no_review_is_due_before_exit(supported, triage_officer):
    with pytest.raises(ChannelInvalid):
        post_exit_review_record(channel_case=supported, actor=triage_officer, outcome="NO_CONCERNS", note="x")


@pytest.mark.parametrize("role", ["panel_member", "police_prevent_officer", "prevent_lead"])
def test_reviews_are_the_chairs_and_triage_officers(request, exited, role):
    with pytest.raises(TransitionRefused):
        post_exit_review_record(
            channel_case=exited, actor=request.getfixturevalue(role), outcome="NO_CONCERNS", note="x"
        )


def test_the_review_reminder_goes_once_ten_working_days_before_and_names_nobody(exited, channel_chair, canaries):
    exit_day = timezone.localdate(exited.exited_at)
    due = post_exit_review_due(exit_day, "six", exited.referral.local_authority.nation)
    assert channel_support_reminders_due(today=due - datetime.timedelta(days=30)) == 0
    assert channel_support_reminders_due(today=due) == 1
    assert channel_support_reminders_due(today=due) == 0  # once
    reminder = SupportReminder.objects.get()
    assert reminder.kind == "post_exit_review_due"
    assert OutboxMessage.objects.filter(topic="channel.support_reminder_send", object_id=str(reminder.pk)).exists()
    support_reminder_send(reminder.pk)
    (message,) = mail.outbox
    assert channel_chair.email in message.to
    body = message.subject + message.body
    assert exited.referral.reference not in body
    assert exited.referral.given_name not in body


def test_a_refused_consent_is_reminded_on_its_reassessment_date(adopted, channel_chair):
    from channel.support.consent import consent_record

    today = timezone.localdate()
    consent_record(
        channel_case=adopted,
        actor=channel_chair,
        outcome="refused",
        given_by="person",
        decided_on=today,
        how_obtained="phone",
        reassess_on=today + datetime.timedelta(days=30),
    )
    assert channel_support_reminders_due(today=today + datetime.timedelta(days=29)) == 0
    assert channel_support_reminders_due(today=today + datetime.timedelta(days=30)) == 1
    assert SupportReminder.objects.get().kind == "reassessment_due"


def test_an_intervention_not_started_is_reminded_to_its_owner_and_the_chair(supported, triage_officer, channel_chair):
    today = timezone.localdate()
    intervention_create(
        channel_case=supported,
        actor=triage_officer,
        intervention_type=InterventionType.objects.get(code="HOUSING"),
        planned_start=today - datetime.timedelta(days=1),
        owner=triage_officer,
    )
    assert support_reminders_due() == 1  # the beat task calls the service
    support_reminder_send(SupportReminder.objects.get(kind="intervention_not_started").pk)
    assert set(mail.outbox[0].to) == {triage_officer.email, channel_chair.email}


def test_relisting_after_exit_stops_the_review_reminders(exited, users):
    decision = take(exited, "relist", users["channel_chair"])
    assert decision.stage_after == S.LISTED
    assert post_exit_reviews_due(ChannelCase.objects.get(pk=exited.pk)) == []


def test_the_reminders_run_every_day_from_beat_and_the_task_is_registered(settings):
    from config.celery_app import app

    entry = settings.CELERY_BEAT_SCHEDULE["channel-support-reminders-due"]
    assert entry["task"] == "channel.support_reminders_due"
    app.loader.import_default_modules()
    assert "channel.support_reminders_due" in app.tasks
    assert (
        settings.OUTBOX_HANDLERS["channel.support_reminder_send"] == "channel.support.reminders.support_reminder_send"
    )


def test_what_is_due_lists_the_post_exit_reviews_from_two_weeks_ahead_and_late_after(exited, channel_chair):
    from channel.support.selectors import channel_work_due

    exit_day = timezone.localdate(exited.exited_at)
    six = post_exit_review_due(exit_day, "six", exited.referral.local_authority.nation)
    reference = exited.referral.reference
    assert channel_work_due(user=channel_chair, today=six - datetime.timedelta(days=15)) == []
    soon = channel_work_due(user=channel_chair, today=six - datetime.timedelta(days=14))
    assert soon == [{"reference": reference, "what": "6-month review", "due_on": six, "late": False}]
    late = channel_work_due(user=channel_chair, today=six + datetime.timedelta(days=1))
    assert [(row["what"], row["late"]) for row in late] == [("6-month review", True)]


def test_what_is_due_lists_a_consent_reassessment(adopted, channel_chair, triage_officer, other_triage_officer):
    from channel.support.consent import consent_record
    from channel.support.selectors import channel_work_due

    reassess = timezone.localdate() + datetime.timedelta(days=10)
    consent_record(
        channel_case=adopted,
        actor=triage_officer,
        outcome="refused",
        given_by="person",
        decided_on=timezone.localdate(),
        how_obtained="phone",
        reassess_on=reassess,
    )
    rows = channel_work_due(user=channel_chair)
    assert [(row["what"], row["due_on"]) for row in rows] == [("Re-assess consent", reassess)]
    assert channel_work_due(user=other_triage_officer) == []  # another council's cases are not theirs to see


# --- the case page: no button before the window opens; the date it opens instead


def _reviews_page(client, channel_case):
    return client.get(reverse("referrals:referral-section", args=[channel_case.referral.reference, "reviews"]))


def test_the_case_page_says_from_when_and_offers_no_button_before_the_window(client, exited, channel_chair):
    client.force_login(channel_chair)
    opens = _opens(exited, "six")
    page = _reviews_page(client, exited).content.decode()
    assert f"not recorded yet, can be recorded from {opens:%-d %B %Y}" in page
    assert "Record the post-exit review" not in page
    channel_page = client.get(
        reverse("referrals:referral-section", args=[exited.referral.reference, "channel"])
    ).content.decode()
    assert "Record the 6-month review" not in channel_page
    exit_dated(exited)
    assert "Record the post-exit review" in _reviews_page(client, exited).content.decode()
    channel_page = client.get(
        reverse("referrals:referral-section", args=[exited.referral.reference, "channel"])
    ).content.decode()
    assert "Record the 6-month review" in channel_page


def test_the_review_pages_before_the_window_send_back_saying_from_when(client, exited, channel_chair):
    client.force_login(channel_chair)
    message = f"The 6-month review can be recorded from {_opens(exited, 'six'):%-d %B %Y}."
    reference = exited.referral.reference
    for url in (
        reverse("channel:post-exit-review-record", args=[reference]),
        reverse("channel:case-step", args=[reference, "record_six_month_review"]),
    ):
        response = client.get(url, follow=True)
        assert response.redirect_chain, url
        assert message in response.content.decode(), url


def test_a_review_posted_before_the_window_is_refused_with_an_error_summary_and_audited(
    client, exited, channel_chair, assert_audited
):
    client.force_login(channel_chair)
    url = reverse("channel:post-exit-review-record", args=[exited.referral.reference])
    response = client.post(url, {"outcome": "NO_CONCERNS", "note": "Seen early."})
    assert response.status_code == 200
    assert f"The 6-month review can be recorded from {_opens(exited, 'six'):%-d %B %Y}" in response.content.decode()
    assert_audited("CHANNEL_STAGE_CHANGED", exited, outcome="refused", transition="record_six_month_review")
    assert ChannelCase.objects.get(pk=exited.pk).state == S.EXITED
    assert not PostExitReview.objects.exists()
