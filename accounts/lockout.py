"""django-axes hooks: one username per account whatever its case, and log lines without names or addresses."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def username_from_request(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The typed e-mail address, lower-cased, so that "Lead@..." and "lead@..." share one failure count."""
    value = (credentials or {}).get("username") or (credentials or {}).get("email")
    if value is None and request is not None:
        value = getattr(request, "POST", {}).get("username")
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


def client_str(username: str, ip_address: str, user_agent: str, path_info: Any, request: HttpRequest) -> str:
    """What axes writes in its log lines: the path only (DESIGN.md principle 1: no personal data in logs)."""
    path = path_info[0] if isinstance(path_info, (tuple, list)) else path_info
    return f"{{path_info: {path!r}}}"
