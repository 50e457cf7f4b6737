"""Passkeys (django-otp-webauthn) as a second factor: register, verify, name and remove, each audited.

The ceremonies' checks are the library's: its helper verifies the browser's signed response against the
challenge kept in the session, the relying party ID and the allowed origins. These services own the
writes around it, in one transaction with the audit event. A passkey is never a first factor here:
every function takes a user who has already given their password.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django_otp_webauthn import exceptions as webauthn_errors
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.settings import app_settings
from django_otp_webauthn.utils import rewrite_exceptions

from accounts.exceptions import PasskeyRemovalRefused
from accounts.models import User
from accounts.permissions import can_remove_passkey
from accounts.services.lockout import second_factor_failures_clear, second_factor_is_locked
from accounts.services.mfa import SECOND_FACTOR_LOCKED_MESSAGE, _backup_codes_replace, mfa_is_enrolled
from audit import services as audit
from audit.actions import AuditAction

PASSKEY_DEFAULT_NAME = "Passkey"


def _ceremony_errors() -> rewrite_exceptions:
    """py_webauthn's errors as the library's API errors (400/422 JSON), logged without personal data."""
    name = app_settings.OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME
    return rewrite_exceptions(logger=logging.getLogger(name) if name else None)


def passkey_register(*, user: User, helper: Any, state: dict, data: dict) -> tuple[WebAuthnCredential, bool]:
    """Store the credential the browser created for `user` once the library has verified it; audited.

    Returns the passkey and whether it is the user's first second factor (forced enrolment). The caller
    has checked the session: verified already, or in forced enrolment. `helper` is the library's
    WebAuthnHelper for this request (it reads the relying party settings).
    """
    enrolment = not mfa_is_enrolled(user=user)
    with transaction.atomic():
        with _ceremony_errors():
            passkey = helper.register_complete(user=user, state=state, data=data)
        passkey.name = PASSKEY_DEFAULT_NAME
        passkey.save(update_fields=["name"])
        details = {"device_id": passkey.pk, "enrolment": enrolment}
        audit.record(actor=user, action=AuditAction.PASSKEY_REGISTERED, target=user, details=details)
        if enrolment:
            audit.record(actor=user, action=AuditAction.MFA_ENROLLED, target=user, details={"method": "passkey"})
    return passkey, enrolment


def passkey_verify(*, user: User, helper: Any, state: dict | None, data: dict) -> WebAuthnCredential:
    """The user's own confirmed passkey that signed this session's challenge (MFA_VERIFIED), else raises.

    Raises the library's OTPWebAuthnApiError (missing or used challenge, unknown passkey, another
    person's passkey, a bad signature), recorded as MFA_FAILED like a wrong code. The challenge is
    single-use: the caller has already removed it from the session.
    """
    if second_factor_is_locked(user=user):
        # A passkey is refused too while wrong security codes hold the account locked: only an unlock lifts it.
        details = {"stage": "locked", "method": "passkey"}
        audit.record_refusal(actor=user, action=AuditAction.MFA_FAILED, target=user, details=details)
        raise webauthn_errors.UserDisabled(SECOND_FACTOR_LOCKED_MESSAGE)
    try:
        with transaction.atomic():
            if not state:
                raise webauthn_errors.InvalidState
            with _ceremony_errors():
                passkey = helper.authenticate_complete(user=user, state=state, data=data)
            if not passkey.confirmed:
                raise webauthn_errors.CredentialDisabled
            second_factor_failures_clear(user=user)
            audit.record(actor=user, action=AuditAction.MFA_VERIFIED, target=user, details={"method": "passkey"})
    except webauthn_errors.OTPWebAuthnApiError:
        details = {"stage": "sign_in", "method": "passkey"}
        audit.record_refusal(actor=user, action=AuditAction.MFA_FAILED, target=user, details=details)
        raise
    return passkey


def passkey_rename(*, user: User, passkey: WebAuthnCredential, name: str) -> None:
    """Give one of the user's own passkeys a name (the name stays out of the audit log)."""
    if passkey.user_id != user.pk:
        raise WebAuthnCredential.DoesNotExist
    with transaction.atomic():
        passkey.name = name
        passkey.save(update_fields=["name"])
        audit.record(actor=user, action=AuditAction.PASSKEY_RENAMED, target=user, details={"device_id": passkey.pk})


def passkey_enrolment_finish(*, user: User, passkey: WebAuthnCredential, name: str) -> list[str]:
    """Name the passkey set up at first sign-in and issue the backup codes, shown once (as after the app)."""
    if passkey.user_id != user.pk:
        raise WebAuthnCredential.DoesNotExist
    with transaction.atomic():
        passkey.name = name
        passkey.save(update_fields=["name"])
        codes = _backup_codes_replace(user=user)
        audit.record(actor=user, action=AuditAction.PASSKEY_RENAMED, target=user, details={"device_id": passkey.pk})
        audit.record(actor=user, action=AuditAction.BACKUP_CODES_GENERATED, target=user, details={"count": len(codes)})
    return codes


def _passkeys_left(user: User) -> int:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).count()


def passkey_remove(*, user: User, passkey: WebAuthnCredential) -> None:
    """Delete one of the user's own passkeys, unless it is their only second factor (refused and audited)."""
    if not can_remove_passkey(passkey, user):
        details = {"device_id": passkey.pk, "passkeys_left": _passkeys_left(user), "reason": "last_second_factor"}
        audit.record_refusal(actor=user, action=AuditAction.PASSKEY_REMOVED, target=user, details=details)
        raise PasskeyRemovalRefused("This passkey is the only second step set up for the account.")
    with transaction.atomic():
        # Two removals at once must not leave the account with the password alone: check again under a lock.
        User.objects.select_for_update().get(pk=user.pk)
        if not can_remove_passkey(passkey, user):
            raise PasskeyRemovalRefused("This passkey is the only second step set up for the account.")
        device_id = passkey.pk
        passkey.delete()
        details = {"device_id": device_id, "passkeys_left": _passkeys_left(user)}
        audit.record(actor=user, action=AuditAction.PASSKEY_REMOVED, target=user, details=details)
