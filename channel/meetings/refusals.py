"""A refused panel action: recorded (committed on its own, before any transaction opens), then raised."""

from __future__ import annotations

from typing import Any

from audit import services as audit

from .exceptions import PanelActionRefused


def require(allowed: bool, *, actor: Any, action: str, target: Any, details: dict | None = None) -> None:
    if not allowed:
        audit.record_refusal(actor=actor, action=action, target=target, details=details or {})
        raise PanelActionRefused(action)
