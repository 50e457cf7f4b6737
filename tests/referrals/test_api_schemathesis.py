"""Schemathesis against the API's own OpenAPI document, inside the test run (issue 17, point 5).

Every operation, with data the schema allows and data it forbids: never a 5xx, and every response (status,
content type, headers, body) as the schema says. Run from `.venv-fuzz` (requirements/fuzz.txt, pinned, made by
`make test`) against a live server of the test database, with a bounded number of examples per operation.

One check is left out, positive_data_acceptance: a referral the schema allows but the service refuses, which
the schema's descriptions say it will (a date of birth over 120 years ago or in the future; under 18 by date of
birth without a parent or carer: docs/referrals.md). Everything else of `--checks all` runs.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from rest_framework.throttling import SimpleRateThrottle

from accounts.services import api_token_create
from tests.referrals.factories import submitted_referral

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

REPO = Path(__file__).resolve().parents[2]
SCHEMATHESIS = REPO / ".venv-fuzz" / "bin" / "st"
# Examples per operation and phase; FUZZ_EXAMPLES raises it for a longer run by hand.
EXAMPLES = os.environ.get("FUZZ_EXAMPLES", "25")


@pytest.fixture
def unthrottled(monkeypatch):
    """The fuzzer sends hundreds of requests a minute: lift the rate limits (read by the classes at import)."""
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {"user": "100000/min", "anon": "100000/min", "referral_create": "100000/min"},
    )


def test_every_operation_keeps_to_its_schema_and_never_answers_5xx(live_server, referrer, unthrottled, tmp_path):
    if not SCHEMATHESIS.exists():
        pytest.fail(
            f"{SCHEMATHESIS} is missing: `make test` (or `make fuzz-venv`) creates it from requirements/fuzz.txt."
        )
    token = api_token_create(user=referrer)[1]
    # A real referral of this referrer, so the operations on one are reached past the 404 (missing test data).
    referral = submitted_referral(user=referrer)
    config = tmp_path / "schemathesis.toml"
    config.write_text(f'[parameters]\n"path.reference" = "{referral.reference}"\n')
    command = [
        str(SCHEMATHESIS),
        "--config-file",
        str(config),
        "run",
        f"{live_server.url}/api/schema/",
        "--url",
        live_server.url,
        "--header",
        f"Authorization: Token {token}",
        "--checks",
        "all",
        "--exclude-checks",
        "positive_data_acceptance",
        "--mode",
        "all",
        "--max-examples",
        EXAMPLES,
        "--seed",
        "12",
        "--request-timeout",
        "10",
        "--workers",
        "2",
        "--no-color",
        "--report",
        "junit",
        "--report-dir",
        str(tmp_path),
    ]
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "SCHEMATHESIS_HOOKS": ""}
    result = subprocess.run(command, capture_output=True, text=True, timeout=240, env=env, cwd=tmp_path, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-8000:].replace(token, "<token>")
    assert "No issues found" in output or "passed" in output, output[-3000:]
