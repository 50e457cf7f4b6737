"""Nothing that can disable the audit log ships: the trigger helpers live in tests/, which the image leaves out."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHIPPED = ["accounts", "audit", "benchmarking", "channel", "closure", "config", "core", "encryption", "referrals"]


def _imports_tests(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(alias.name.split(".")[0] == "tests" for alias in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "tests":
            return True
    return False


def test_no_application_module_imports_the_tests():
    offenders = [
        str(path.relative_to(REPO))
        for app in SHIPPED
        for path in (REPO / app).rglob("*.py")
        if _imports_tests(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert offenders == []
    assert _imports_tests(ast.parse("from tests.audit_testing import triggers_suspended"))


def test_the_trigger_helpers_are_not_in_the_audit_app():
    assert not (REPO / "audit" / "testing.py").exists()
    assert (REPO / "tests" / "audit_testing.py").is_file()


def test_the_image_leaves_the_tests_and_local_keys_out():
    ignored = {entry.rstrip("/") for entry in (REPO / ".dockerignore").read_text().split()}
    assert {"tests", ".devkeys", "audit-checkpoints"} <= ignored
