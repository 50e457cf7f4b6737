"""Template values for the idle-timeout warning."""

from __future__ import annotations

from django import template
from django.conf import settings

from accounts.middleware import session_idle_seconds_left

register = template.Library()


@register.simple_tag(takes_context=True)
def session_idle_seconds(context: template.Context) -> int:
    """Seconds until the idle limit, from the last recorded activity (up to a minute before this page)."""
    request = context.get("request")
    if request is None or not hasattr(request, "session"):
        return int(settings.SESSION_IDLE_TIMEOUT)
    return session_idle_seconds_left(request)


@register.simple_tag
def session_idle_limit() -> int:
    """The whole idle limit, which "Stay signed in" starts again."""
    return int(settings.SESSION_IDLE_TIMEOUT)
