"""Tasks reach a real worker through Redis, and the worker uses the same database as the service."""

from __future__ import annotations

import pytest
from django.db import connection

from core.tasks import worker_health_check

pytestmark = pytest.mark.integration


def test_a_real_worker_runs_a_task_against_the_test_database(celery_worker_process):
    result = worker_health_check.delay().get(timeout=60)
    assert result == {"database": "ok", "vendor": "postgresql", "name": connection.settings_dict["NAME"]}
