"""A test-only pause point: the fault tests stop a worker at a named step to SIGKILL it there (issue 17).

Off unless the setting FAULT_PAUSE_AT names the step: only tests/faults/settings.py defines it (from the
environment of the worker the test starts), so in every other configuration `fault_pause_point` returns at
once. When it matches, the process writes the step's name to FAULT_PAUSE_FILE, for the test to see, and
sleeps until the test kills it. docs/performance.md, "The worker killed mid-step".
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings

PAUSE_SECONDS = 600


def fault_pause_point(name: str) -> None:
    """Return at once, unless the fault tests asked this process to stop here (see the module)."""
    if not name or getattr(settings, "FAULT_PAUSE_AT", "") != name:
        return
    Path(settings.FAULT_PAUSE_FILE).write_text(name)
    time.sleep(PAUSE_SECONDS)
