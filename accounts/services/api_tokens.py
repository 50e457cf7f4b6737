"""API tokens for systems that call the API on a user's behalf: made, used and revoked only here."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from accounts.exceptions import ApiTokenRefused
from accounts.models import ApiToken, ApiTokenRefusal, User
from audit import services as audit
from audit.actions import AuditAction

# Recording every request's use would turn each API read into a write; a minute is precise enough.
LAST_USE_RESOLUTION = timedelta(minutes=1)
# One API_TOKEN_REFUSED event per token and reason this long; the caller's repeats are counted per minute.
REFUSAL_EVENT_INTERVAL_SECONDS = 3600


def api_token_create(*, user: User, actor: User | None = None) -> tuple[ApiToken, str]:
    """Make a token for an active user; the text is returned once and only its digest is stored.

    Earlier tokens keep working until they expire or are revoked (api_tokens_revoke).
    """
    if not user.is_active:
        raise ApiTokenRefused("No active user has that e-mail address.")
    with transaction.atomic():
        token, text = ApiToken.objects.create(user=user, expiry=timedelta(days=settings.API_TOKEN_MAX_AGE_DAYS))
        audit.record(
            actor=actor, action=AuditAction.API_TOKEN_CREATED, target=user, details={"token_id": str(token.pk)}
        )
    return token, text


def api_tokens_revoke(*, user: User, actor: User | None = None) -> int:
    """Revoke every live token of the user at once; returns how many were revoked (audited when any were)."""
    with transaction.atomic():
        count = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if count:
            audit.record(actor=actor, action=AuditAction.API_TOKEN_REVOKED, target=user, details={"count": count})
    return count


def api_token_use_record(*, token: ApiToken, now: datetime) -> None:
    """Note when the token was last used, at most once a minute."""
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def api_token_refusal_record(*, token: ApiToken, refusal: ApiTokenRefusal) -> None:
    """A known token was presented and refused (expired, revoked, deactivated account): audited at once.

    Once per token and reason an hour: whoever presents it (an integration left polling with an expired
    token, or anyone holding a leaked one) could otherwise add a committed chained event per request without
    end. Later refusals count in the minute's ANONYMOUS_REFUSALS_COUNTED (as "forbidden").
    """
    try:
        due = cache.add(
            f"accounts:api-token-refused:{token.pk}:{refusal.value}", True, timeout=REFUSAL_EVENT_INTERVAL_SECONDS
        )
    except Exception:  # noqa: BLE001 - whatever the cache backend raises when it is down: record, never lose
        due = True
    if not due:
        audit.record_anonymous_refusal(status=403)
        return
    audit.record_refusal(
        actor=None,
        action=AuditAction.API_TOKEN_REFUSED,
        target=token.user,
        reason_code=refusal.value,
        details={"token_id": str(token.pk)},
    )
