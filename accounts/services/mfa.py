"""Second factor: TOTP enrolment, verification, backup codes, and the demo users' known authenticator."""

from __future__ import annotations

import base64
import binascii

from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.exceptions import EnrolmentRefused, SecondFactorLocked
from accounts.models import User
from accounts.services.lockout import (
    lockout_record,
    second_factor_failure_add,
    second_factor_failures_clear,
    second_factor_is_locked,
)
from audit import services as audit
from audit.actions import AuditAction

TOTP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"
BACKUP_CODE_COUNT = 10
SECOND_FACTOR_LOCKED_MESSAGE = (
    "Your account is locked because of too many wrong security codes. Ask your Prevent lead to unlock it."
)


def _clean_token(token: str) -> str:
    return "".join(token.split()).lower()


def mfa_is_enrolled(*, user: User) -> bool:
    """True when the user has a confirmed authenticator app or passkey (backup codes alone do not count)."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    )


def mfa_enrolment_open(*, user: User, session_verified: bool = False) -> bool:
    """May this user set up an authenticator app now?

    In forced enrolment (no second factor yet); or, for someone with passkeys only, from a session
    already verified with one. Never on the strength of a password alone beside an existing factor.
    """
    if not mfa_is_enrolled(user=user):
        return True
    return session_verified and not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def mfa_enrolment_start(*, user: User, session_verified: bool = False) -> TOTPDevice:
    """The user's unconfirmed authenticator (one, reused on reload); refused when set-up is not open."""
    if not mfa_enrolment_open(user=user, session_verified=session_verified):
        raise EnrolmentRefused("A second factor is already set up for this account.")
    device, _ = TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": TOTP_DEVICE_NAME})
    return device


def _backup_codes_replace(*, user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, defaults={"name": BACKUP_DEVICE_NAME})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def mfa_enrolment_confirm(*, user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator with its first code; returns the new backup codes, or None (audited)."""
    if device.user_id != user.pk or device.confirmed:
        raise EnrolmentRefused("A second factor is already set up for this account.")
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        verified = locked.verify_token(_clean_token(token))
        if verified:
            locked.confirmed = True
            locked.save(update_fields=["confirmed"])
            codes = _backup_codes_replace(user=user)
            audit.record(actor=user, action=AuditAction.MFA_ENROLLED, target=user, details={"method": "totp"})
            audit.record(
                actor=user, action=AuditAction.BACKUP_CODES_GENERATED, target=user, details={"count": len(codes)}
            )
            return codes
    audit.record_refusal(actor=user, action=AuditAction.MFA_FAILED, target=user, details={"stage": "enrolment"})
    return None


def mfa_verify(*, user: User, token: str) -> Device | None:
    """The confirmed device (authenticator or a one-time backup code) that accepts the code, or None.

    Raises SecondFactorLocked at the AXES_FAILURE_LIMIT-th wrong code in a row, and on every code after it
    until an unlock (then even the right code is refused). Each code works once, even for two requests
    at the same moment: the user's row and the device rows stay locked from the check to the save of the
    device's last used step (or the deletion of the backup code).
    """
    token = _clean_token(token)
    with transaction.atomic():
        # One attempt at a time per account: the lockout check, the code check and the count agree.
        User.objects.select_for_update().only("pk").get(pk=user.pk)
        locked = second_factor_is_locked(user=user)
        device = None
        if not locked:
            device = next((d for d in devices_for_user(user, for_verify=True) if d.verify_token(token)), None)
        if device is not None:
            second_factor_failures_clear(user=user)
            method = "backup_code" if isinstance(device, StaticDevice) else "totp"
            left = device.token_set.count() if isinstance(device, StaticDevice) else None
            details = {"method": method} | ({"backup_codes_left": left} if left is not None else {})
            audit.record(actor=user, action=AuditAction.MFA_VERIFIED, target=user, details=details)
            return device
        failures = None if locked else second_factor_failure_add(user=user)
    if failures is None:
        audit.record_refusal(actor=user, action=AuditAction.MFA_FAILED, target=user, details={"stage": "locked"})
        raise SecondFactorLocked(SECOND_FACTOR_LOCKED_MESSAGE)
    details = {"stage": "sign_in", "failures": failures}
    audit.record_refusal(actor=user, action=AuditAction.MFA_FAILED, target=user, details=details)
    if failures >= settings.AXES_FAILURE_LIMIT:
        lockout_record(username=user.email.lower())
        raise SecondFactorLocked(SECOND_FACTOR_LOCKED_MESSAGE)
    return None


def backup_codes_generate(*, user: User) -> list[str]:
    """Replace the user's backup codes with a new set; the old ones stop working at once."""
    with transaction.atomic():
        codes = _backup_codes_replace(user=user)
        audit.record(actor=user, action=AuditAction.BACKUP_CODES_GENERATED, target=user, details={"count": len(codes)})
    return codes


def totp_secret_to_hex(secret: str) -> str:
    """A base32 secret (as TOTP apps show it; spaces, case and padding ignored) as django-otp's hex key."""
    text = "".join(secret.split()).upper()
    text += "=" * (-len(text) % 8)
    try:
        return base64.b32decode(text).hex()
    except (binascii.Error, ValueError) as error:
        raise ValueError("DEMO_TOTP_SECRET must be a base32 string such as JBSWY3DPEHPK3PXP.") from error


def demo_totp_device_set(*, user: User, secret: str) -> TOTPDevice:
    """Give a demo user one confirmed authenticator with the published demo secret (development only)."""
    key = totp_secret_to_hex(secret)
    TOTPDevice.objects.filter(user=user).exclude(name="Demo authenticator").delete()
    device, _ = TOTPDevice.objects.update_or_create(
        user=user, name="Demo authenticator", defaults={"key": key, "confirmed": True, "last_t": -1}
    )
    return device
