"""Accounts test helpers: unverified clients, TOTP codes, audit checks."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


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
