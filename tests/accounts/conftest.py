"""Accounts test helpers: unverified clients, TOTP codes, audit checks."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent


@pytest.fixture
def unverified_client():
    """A client whose force_login signs in with the password step only (no second factor yet)."""
    client = Client()
    client.verify_second_factor = False
    return client


def totp_now(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the device's authenticator app shows now (or a later step, for a second sign-in)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def assert_audited():
    def check(action: str, target=None, *, outcome: str = "done", **details):
        events = AuditEvent.objects.filter(action=action, outcome=outcome)
        if target is not None:
            events = events.filter(target_id=str(target.pk))
        assert events.exists(), f"no {outcome} {action} event"
        event = events.order_by("-sequence").first()
        for key, value in details.items():
            assert event.details.get(key) == value, (key, event.details)
        return event

    return check


@pytest.fixture(autouse=True)
def _fresh_lockouts():
    """django-axes counts failures in its table (rolled back per test) and keeps nothing in the cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
