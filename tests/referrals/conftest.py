from __future__ import annotations

import pytest

from .factories import information_gathering_referral, submitted_referral


@pytest.fixture
def submitted(referrer):
    return submitted_referral(user=referrer)


@pytest.fixture
def with_channel(referrer, triage_officer):
    """A case handed to the Channel panel: the stage at which a panel member's grant opens it."""
    from referrals import services

    referral = information_gathering_referral(user=referrer, screener=triage_officer)
    return services.referral_refer_to_channel(referral=referral, actor=triage_officer)


# --- the access matrix (test_access_matrix.py) reports how many combinations it checked
_MATRIX = {"passed": 0, "failed": 0}


def pytest_runtest_logreport(report):
    if report.when == "call" and "test_access_matrix.py::test_access_matrix[" in report.nodeid:
        _MATRIX["passed" if report.passed else "failed"] += 1


def pytest_terminal_summary(terminalreporter):
    checked = _MATRIX["passed"] + _MATRIX["failed"]
    if checked:
        terminalreporter.write_line(
            f"Access matrix: {checked} combinations checked (URL x method x stage x role x situation), "
            f"{_MATRIX['passed']} as expected, {_MATRIX['failed']} not"
        )
