"""Audit test helpers: reading events back, and tampering behind the triggers' back."""

from __future__ import annotations

import pytest
from django.db import connection

from audit.models import AuditEvent
from tests.audit_testing import triggers_suspended


@pytest.fixture
def events():
    """All events matching the filters, oldest first."""

    def _events(**filters):
        return list(AuditEvent.objects.filter(**filters).order_by("sequence"))

    return _events


@pytest.fixture
def tamper():
    """Run raw SQL against the audit table with the triggers dropped (as an attacker with DDL rights could)."""

    def _tamper(sql: str, params: list | None = None) -> None:
        with triggers_suspended(), connection.cursor() as cursor:
            cursor.execute(sql, params)

    return _tamper
