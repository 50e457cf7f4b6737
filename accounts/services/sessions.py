"""Session limits and "sign out everywhere"."""

from __future__ import annotations

import uuid

from django.db import transaction

from accounts.models import User
from audit import services as audit
from audit.actions import AuditAction


def user_sessions_revoke(*, user: User, actor: User | None) -> None:
    """Every session of the user stops working at its next request (accounts.middleware compares the token)."""
    with transaction.atomic():
        user.session_token = uuid.uuid4()
        user.save(update_fields=["session_token"])
        audit.record(actor=actor, action=AuditAction.SESSIONS_REVOKED, target=user)


def session_timed_out_record(*, user: User, reason: str) -> None:
    """Record that a session ended by a limit: "idle" or "absolute"."""
    with transaction.atomic():
        audit.record(actor=user, action=AuditAction.SESSION_TIMED_OUT, target=user, details={"reason": reason})
