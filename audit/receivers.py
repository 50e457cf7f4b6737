"""Signing in and out (django.contrib.auth signals) and key events (encryption signals) become audit events."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit import services as audit
from audit.actions import AuditAction
from encryption import signals as encryption_signals

_DATA_KEY = "encryption.datakey"


@receiver(user_logged_in, dispatch_uid="audit_user_signed_in")
def user_signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(actor=user, action=AuditAction.USER_SIGNED_IN)


@receiver(user_logged_out, dispatch_uid="audit_user_signed_out")
def user_signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record(actor=user, action=AuditAction.USER_SIGNED_OUT)


def _account_for(credentials: dict[str, Any]) -> Any:
    user_model = get_user_model()
    username = credentials.get(user_model.USERNAME_FIELD) or credentials.get("username")
    if not isinstance(username, str) or not username:
        return None
    lookup = {f"{user_model.USERNAME_FIELD}__iexact": username}
    return user_model._default_manager.filter(**lookup).first()


@receiver(user_login_failed, dispatch_uid="audit_user_sign_in_failed")
def user_sign_in_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    """Records whether the account exists (by id), never the typed address or password.

    Not for a sign-in refused unread because a lock is in place (accounts.lockout.REFUSED_WHILE_LOCKED):
    accounts.services.lockout_record counts those per minute, or anyone could add an event per request without end.
    """
    if getattr(request, "sign_in_refused_while_locked", False):
        return
    account = _account_for(credentials)
    audit.record_refusal(
        actor=None,
        action=AuditAction.USER_SIGN_IN_FAILED,
        target_type=account._meta.label_lower if account else "",
        target_id=account.pk if account else "",
        local_authority_id=getattr(account, "local_authority_id", None) if account else None,
        details={"account_exists": account is not None},
    )


# Key events from the encryption app (below audit in no way: both sit at the bottom, and only
# audit imports encryption). Each arrives inside the change's own transaction where there is one.
# A key's creation is not an event of its own: it is part of the case write that needs it (draft
# saved, referral submitted), which that service records with its actor; a separate actor-less event
# would cost three round trips on the chain head in every submission and tell nothing more.
@receiver(encryption_signals.case_key_shredded, dispatch_uid="audit_case_key_shredded")
def case_key_shredded(sender: Any, data_key_id: Any, **kwargs: Any) -> None:
    audit.record(actor=None, action=AuditAction.CASE_KEY_SHREDDED, target_type=_DATA_KEY, target_id=str(data_key_id))


@receiver(encryption_signals.key_rotated, dispatch_uid="audit_key_rotated")
def key_rotated(sender: Any, kek_id: str, rewrapped: int, **kwargs: Any) -> None:
    audit.record(actor=None, action=AuditAction.KEY_ROTATED, details={"key_id": kek_id, "rewrapped": rewrapped})


@receiver(encryption_signals.kek_retired, dispatch_uid="audit_key_retired")
def key_retired(sender: Any, kek_id: str, **kwargs: Any) -> None:
    audit.record(actor=None, action=AuditAction.KEY_RETIRED, details={"key_id": kek_id})
