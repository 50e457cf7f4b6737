"""The SQLite run says in its log which tests it left out and why (tests/conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO, deselection_summary

_ONE_INTEGRATION_TEST = (
    "tests/integration/test_outbox.py::test_the_worker_dispatches_a_submitted_referrals_mash_message"
)


@pytest.mark.parametrize(
    ("counts", "line"),
    [
        (
            {"postgresql_only": 12, "integration": 5, "on_postgresql": False, "redis": False},
            "Deselected 17 tests that need PostgreSQL (12) or a real Redis and Celery worker (5): this run is "
            "on SQLite and without REDIS_URL; .ci/run runs them on PostgreSQL with Redis and a real worker.",
        ),
        (
            {"postgresql_only": 0, "integration": 1, "on_postgresql": True, "redis": False},
            "Deselected 1 test that needs a real Redis and Celery worker (1): this run is without REDIS_URL; "
            ".ci/run runs them on PostgreSQL with Redis and a real worker.",
        ),
        (
            {"postgresql_only": 3, "integration": 2, "on_postgresql": False, "redis": True},
            "Deselected 5 tests that need PostgreSQL (3) or a real Redis and Celery worker (2): this run is "
            "on SQLite; .ci/run runs them on PostgreSQL with Redis and a real worker.",
        ),
        ({"postgresql_only": 0, "integration": 0, "on_postgresql": True, "redis": True}, ""),
    ],
)
def test_the_line_counts_what_was_left_out_and_says_why(counts, line):
    assert deselection_summary(**counts) == line


def test_a_run_on_sqlite_without_redis_prints_the_line_in_its_log(tmp_path):
    # Set, not removed, so a developer's .env cannot point the child run elsewhere.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "REDIS_URL": ""}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", _ONE_INTEGRATION_TEST],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == pytest.ExitCode.NO_TESTS_COLLECTED, result.stdout + result.stderr
    assert (
        "Deselected 1 test that needs a real Redis and Celery worker (1): this run is on SQLite and without "
        "REDIS_URL; .ci/run runs them on PostgreSQL with Redis and a real worker." in result.stdout.splitlines()
    )
