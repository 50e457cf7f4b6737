"""seed_demo_referrals: one made-up person referred in both demo councils, to show repeat detection."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import User
from accounts.services import demo_data_seed
from referrals.models import Referral

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo_referrals", stdout=out)
    return out.getvalue()


def test_demo_referrals_show_a_repeat_within_and_across_councils_once(client):
    demo_data_seed(password="a-long-demo-password", totp_secret="DEMOPREVENTCHANNELTOTPKEY234567A")
    _seed()
    first, theirs, latest = Referral.objects.order_by("submitted_at")
    assert first.local_authority_id == latest.local_authority_id != theirs.local_authority_id
    assert first.person_index == theirs.person_index == latest.person_index
    client.force_login(User.objects.get(email="triage@example.org"))
    body = client.get(reverse("referrals:referral-detail", args=[latest.reference])).content.decode()
    assert f'href="/referrals/{first.reference}/"' in body
    assert theirs.reference not in body
    assert "Another council may also have a referral about this person." in body
    client.force_login(User.objects.get(email="lead@example.org"))
    body = client.get(reverse("referrals:referral-detail", args=[latest.reference])).content.decode()
    assert f"{theirs.local_authority.name} may also have a referral about this person." in body
    assert theirs.reference not in body
    assert "already exist" in _seed()
    assert Referral.objects.count() == 3


def test_demo_referrals_need_the_demo_users_and_refuse_production(settings):
    with pytest.raises(CommandError, match="Run seed_demo first"):
        _seed()
    settings.ENVIRONMENT = "production"
    with pytest.raises(CommandError, match="refuses to run under production settings"):
        _seed()
    assert not Referral.objects.exists()
