"""The nightly chain check on a real Celery worker (Redis broker, shared PostgreSQL test database)."""

from __future__ import annotations

import pytest

from audit import services as audit
from audit import tasks
from audit.models import AuditEvent
from tests.integration.conftest import celery_worker_process  # noqa: F401 - the worker fixture

# Deselected (never skipped) where Redis or PostgreSQL is absent: see tests/conftest.py.
pytestmark = pytest.mark.integration


def test_the_nightly_check_runs_on_a_real_worker(celery_worker_process, triage_officer):  # noqa: F811
    for _ in range(3):
        audit.record(actor=triage_officer, action=audit.AuditAction.USER_SIGNED_IN)
    result = tasks.audit_chain_verify.delay().get(timeout=60)
    assert result == {"intact": True, "verified": 3, "first_bad_sequence": None}
    verified = AuditEvent.objects.get(action="AUDIT_CHAIN_VERIFIED")
    assert (verified.sequence, verified.details) == (4, {"count": 3})
