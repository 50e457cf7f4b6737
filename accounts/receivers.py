"""Sign-in stamps the session (limits, sign-out everywhere); a django-axes lockout becomes an audit event."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.lockout import REFUSED_WHILE_LOCKED
from accounts.middleware import session_stamp
from accounts.services import lockout_record


@receiver(user_logged_in, dispatch_uid="accounts_session_stamp")
def stamp_session(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        session_stamp(request, user)


@receiver(user_locked_out, dispatch_uid="accounts_lockout_audited")
def record_lockout(
    sender: Any, request: Any, username: str | None = None, ip_address: str | None = None, **kwargs: Any
) -> None:
    # axes sends this again for every attempt refused while locked, which anyone can post without end.
    lockout_record(
        username=username, ip_address=ip_address, already_locked=getattr(request, REFUSED_WHILE_LOCKED, False)
    )
