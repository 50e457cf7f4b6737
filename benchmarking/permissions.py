"""Who may produce the council's statistics (issue 16, ACCESS.md): its Prevent lead and its auditor."""

from __future__ import annotations

from typing import Any

from accounts.models import Role

BENCHMARKING_ROLES = (Role.PREVENT_LEAD, Role.AUDITOR)


def can_export_statistics(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*BENCHMARKING_ROLES))


def can_read_assurance(user: Any) -> bool:
    """The council's self-assessment and assurance statement: its Prevent lead and its auditor may read them."""
    return can_export_statistics(user)


def can_edit_assurance(user: Any) -> bool:
    """Only the Prevent lead rates, writes the evidence and submits (ACCESS.md: the auditor reads)."""
    return bool(getattr(user, "is_authenticated", False) and user.has_role(Role.PREVENT_LEAD))
