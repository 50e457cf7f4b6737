"""core/ keeps only what every app needs (issue 12): request ids, the outbox, the form renderer and key loading.
Anything that belongs to one app, or to the project's configuration, lives there instead."""

from __future__ import annotations

from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "core"
# Each of core's modules and what it is for; a new module must say here why every app needs it.
GENERIC = {
    "__init__.py": "package",
    "apps.py": "app config",
    "models.py": "the outbox's model and the models' common base",
    "services.py": "the outbox",
    "tasks.py": "the outbox sweep and the worker's health check",
    "management/__init__.py": "package",
    "management/commands/__init__.py": "package",
    "management/commands/outbox_sweep.py": "the outbox",
    "management/base.py": "every app's operator commands: one-line usage errors",
    "middleware.py": "request ids",
    "logging.py": "request ids in every log line",
    "forms.py": "the form renderer",
    "templatetags/__init__.py": "package",
    "templatetags/govuk.py": "the form renderer's GOV.UK field attributes",
    "keys.py": "key loading",
}
MAX_CODE_LINES = 400


def _modules() -> list[Path]:
    return [path for path in CORE.rglob("*.py") if "migrations" not in path.parts]


def _code_lines(path: Path) -> int:
    stripped = (line.strip() for line in path.read_text().splitlines())
    return sum(1 for line in stripped if line and not line.startswith("#"))


def test_core_holds_only_what_every_app_needs():
    found = {path.relative_to(CORE).as_posix() for path in _modules()}
    assert found - set(GENERIC) == set(), "a module in core/ that is not generic: move it to its app (or config/)"


def test_core_stays_small():
    total = sum(_code_lines(path) for path in _modules())
    assert total < MAX_CODE_LINES, f"core/ has {total} lines of code (docstrings included)"
