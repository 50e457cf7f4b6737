"""The layering of DESIGN.md stays true as the code grows: checked on the source's AST."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# Lower rank = lower layer. An app may import its own rank's peers only where listed in PEERS.
RANK = {"core": 0, "encryption": 1, "audit": 1, "accounts": 2, "referrals": 3, "mash": 4, "channel": 4, "closure": 5}
# audit records key events, so it may listen to encryption; encryption never imports audit.
PEERS = {("audit", "encryption")}
# benchmarking reads every other app; nothing imports it.
READER = "benchmarking"
APPS = [*RANK, READER]
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _app_modules() -> list[Path]:
    files = []
    for app in APPS:
        files += [p for p in (REPO / app).rglob("*.py") if "migrations" not in p.parts]
    return files


def _imported_apps(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & set(APPS)


def allowed(importer: str, imported: str) -> bool:
    if importer in (imported, READER):
        return True
    if imported == READER:
        return False
    return RANK[imported] < RANK[importer] or (importer, imported) in PEERS


def layering_violations(sources: dict[str, str]) -> list[str]:
    """sources maps a repository-relative path to its text."""
    problems = []
    for relative, text in sources.items():
        importer = Path(relative).parts[0]
        for imported in sorted(_imported_apps(ast.parse(text, filename=relative))):
            if not allowed(importer, imported):
                problems.append(f"{relative} imports {imported}")
    return problems


def test_every_app_exists_with_a_models_module():
    for app in APPS:
        assert (REPO / app / "models.py").is_file(), app
        assert (REPO / app / "apps.py").is_file(), app


def test_apps_import_only_downwards():
    sources = {str(p.relative_to(REPO)): p.read_text(encoding="utf-8") for p in _app_modules()}
    assert len(sources) > 10
    assert layering_violations(sources) == []


def test_the_layering_check_catches_referrals_importing_channel():
    probe = "from channel import services\nimport closure.models\nfrom referrals import models\n"
    assert layering_violations({"referrals/_layering_probe.py": probe}) == [
        "referrals/_layering_probe.py imports channel",
        "referrals/_layering_probe.py imports closure",
    ]


@pytest.mark.parametrize(
    ("importer", "imported", "expected"),
    [
        ("accounts", "audit", True),
        ("audit", "accounts", False),
        ("encryption", "audit", False),
        ("audit", "encryption", True),
        ("channel", "referrals", True),
        ("referrals", "channel", False),
        ("mash", "referrals", True),
        ("referrals", "mash", False),
        ("mash", "channel", False),
        ("channel", "mash", False),
        ("closure", "benchmarking", False),
        ("benchmarking", "closure", True),
        ("core", "accounts", False),
    ],
)
def test_dependency_rule(importer, imported, expected):
    assert allowed(importer, imported) is expected


def test_modules_and_functions_stay_small():
    oversized = []
    for path in _app_modules() + list((REPO / "config").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > MAX_MODULE_LINES:
            oversized.append(f"{path.relative_to(REPO)}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    oversized.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name}: {length} lines")
    assert oversized == []
