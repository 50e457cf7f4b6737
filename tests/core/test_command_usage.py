"""Operator commands: a usage mistake is one line on standard error and exit 2, not argparse's usage block."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

from core.management.base import OperatorCommand

REPO = Path(__file__).resolve().parents[2]


def _project_commands() -> list[tuple[str, str]]:
    return sorted(
        (app, name)
        for name, app in get_commands().items()
        if (REPO / app.replace(".", "/")).is_dir() and app != "django"
    )


def test_every_project_command_is_an_operator_command():
    commands = _project_commands()
    assert len(commands) > 20
    for app, name in commands:
        assert isinstance(load_command_class(app, name), OperatorCommand), name


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["verify_purge"], "manage.py verify_purge: the following arguments are required: reference (see --help)"),
        (
            ["open_package"],
            "manage.py open_package: the following arguments are required: path, --private-key (see --help)",
        ),
        (
            ["rotate_keys", "--batch-size", "abc"],
            "manage.py rotate_keys: argument --batch-size: invalid int value: 'abc' (see --help)",
        ),
        (["outbox_sweep", "bogus"], "manage.py outbox_sweep: unrecognized arguments: bogus (see --help)"),
    ],
)
def test_a_usage_mistake_is_one_line_and_exit_2(args, line):
    # Before: argparse printed its usage block (five to ten lines) above the error.
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (result.returncode, result.stderr, result.stdout) == (2, line + "\n", "")
