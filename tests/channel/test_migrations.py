"""The channel app's models and migrations agree."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_no_missing_migrations_for_channel_or_referrals():
    out = io.StringIO()
    call_command("makemigrations", "channel", "referrals", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
