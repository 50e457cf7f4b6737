"""seed_demo_channel: the first demo council has Channel cases in several stages, once."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import User
from accounts.services import demo_data_seed
from channel.choices import ChannelStage
from channel.models import ChannelCase, Panel, PanelDecision

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo_channel", stdout=out)
    return out.getvalue()


def test_seed_demo_channel_needs_the_demo_users():
    with pytest.raises(CommandError, match="Run seed_demo first"):
        _seed()
    assert not ChannelCase.objects.exists()


def test_the_demo_shows_each_stage_once_and_runs_once(client):
    demo_data_seed(password="a-long-demo-password", totp_secret="DEMOPREVENTCHANNELTOTPKEY234567A")
    output = _seed()
    for shows in ("listed", "awaiting consent", "supported", "exited", "consent refused"):
        assert f"  {shows}" in output
    stages = sorted(ChannelCase.objects.values_list("state", flat=True))
    assert stages == sorted(
        [
            ChannelStage.LISTED,
            ChannelStage.AWAITING_CONSENT,
            ChannelStage.SUPPORTED,
            ChannelStage.EXITED,
            ChannelStage.CONSENT_REFUSED,
        ]
    )
    assert "already exist" in _seed()
    assert ChannelCase.objects.count() == len(stages)
    chair = User.objects.get(email="chair@example.org")
    assert Panel.objects.count() == 2  # noqa: PLR2004 - one for each demo council
    panel = Panel.objects.get(local_authority_id=chair.local_authority_id)
    assert panel.members.count() == 3  # noqa: PLR2004 - the chair, the panel member and the police officer
    assert panel.chair == chair
    held, upcoming = panel.meetings.order_by("date")
    decision = PanelDecision.objects.get(agenda_item__meeting=held)
    assert (decision.view, decision.rule) == ("adopt", "unanimous")
    assert held.attendance.filter(status="present").count() == 3  # noqa: PLR2004
    assert upcoming.agenda.count() == 2  # noqa: PLR2004 - the listed and the supported case
    client.force_login(chair)
    supported = ChannelCase.objects.select_related("referral").get(state=ChannelStage.SUPPORTED)
    page = client.get(reverse("referrals:referral-section", args=[supported.referral.reference, "channel"]))
    assert page.status_code == 200
    assert "Withdraw from Channel" in page.content.decode()
    assert "Exit the case" not in page.content.decode()  # a panel decision: at a meeting
