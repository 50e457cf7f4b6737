"""seed_demo_channel's Channel support: consent given and refused, an overdue mentoring, an exited case
awaiting its 6-month review, and the demo Intervention Provider's sessions."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from accounts.services import demo_data_seed
from channel.choices import ChannelStage
from channel.models import ChannelCase, ChannelConsent, Intervention, InterventionSession, VAFAssessment
from channel.support.reviews import post_exit_review_recordable, post_exit_reviews_due
from channel.support.selectors import intervention_list_for_provider

pytestmark = pytest.mark.django_db


def test_the_demo_has_channel_support_in_each_state():
    demo_data_seed(password="a-long-demo-password", totp_secret="DEMOPREVENTCHANNELTOTPKEY234567A")
    call_command("seed_demo_channel", stdout=io.StringIO())
    assert set(ChannelConsent.objects.values_list("outcome", flat=True)) == {"given", "refused"}
    provider = User.objects.get(email="provider@example.org")
    today = timezone.localdate()
    mine = intervention_list_for_provider(user=provider)
    assert any(intervention.is_overdue(today) for intervention in mine)
    assert InterventionSession.objects.filter(logged_by=provider).count() == 4  # noqa: PLR2004
    exited = ChannelCase.objects.select_related("referral__local_authority").get(state=ChannelStage.EXITED)
    six, twelve = post_exit_reviews_due(exited)
    assert six["review"] is None
    assert six["due_on"] > today
    # Exited two days ago: the 6-month review is months away, so the case page says from when, not a button.
    assert six["not_yet"]
    assert not post_exit_review_recordable(exited)
    assert VAFAssessment.objects.filter(channel_case=exited).count() == 2  # noqa: PLR2004 - a trend to draw
    # Planned, overdue, started and ended: each state of an intervention is on show.
    ended = Intervention.objects.get(channel_case=exited)
    assert (ended.end_reason, ended.actual_start is not None) == ("completed", True)
    assert ended.ended_on < today
