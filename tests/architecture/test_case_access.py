"""Every case URL reaches cases only through the visibility selector (issue 7, item 8): checked on the AST.

A view module (referrals/views, referrals/api, and channel's and closure's views and API as they land)
may not touch a case model's manager (`Referral.objects`, `ReferralAttachment._default_manager`, ...)
nor hand a case model to get_object_or_404: it calls a selector, which starts from
`referral_list_visible(user=...)`, so a missing case and a forbidden one are the same 404.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

REPO = Path(__file__).resolve().parents[2]
CASE_APPS = ("referrals", "channel", "closure")
VIEW_GLOBS = ("*/views.py", "*/views/*.py", "*/api.py", "*/api/*.py")
MANAGERS = {"objects", "_default_manager", "_base_manager"}
SHORTCUTS = {"get_object_or_404", "get_list_or_404"}


def case_model_names() -> set[str]:
    """Every model of the case apps (the case root, its children and its grant rows)."""
    return {model.__name__ for app in CASE_APPS for model in apps.get_app_config(app).get_models()}


def view_modules() -> list[Path]:
    files: set[Path] = set()
    for app in CASE_APPS:
        for pattern in VIEW_GLOBS:
            files.update(p for p in (REPO / app).glob(pattern.removeprefix("*/")) if p.suffix == ".py")
    return sorted(files)


def _model_name(node: ast.AST) -> str | None:
    """`Referral` or `models.Referral` -> "Referral"."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def direct_case_queries(sources: dict[str, str], models: set[str]) -> list[str]:
    """sources maps a repository-relative path to its text; returns 'path:line Model.manager' findings."""
    problems = []
    for relative, text in sources.items():
        for node in ast.walk(ast.parse(text, filename=relative)):
            if isinstance(node, ast.Attribute) and node.attr in MANAGERS and _model_name(node.value) in models:
                problems.append((relative, node.lineno, f"{_model_name(node.value)}.{node.attr}"))
            elif (
                isinstance(node, ast.Call)
                and _model_name(node.func) in SHORTCUTS
                and node.args
                and _model_name(node.args[0]) in models
            ):
                problems.append((relative, node.lineno, f"{_model_name(node.func)}({_model_name(node.args[0])})"))
    return [f"{path}:{line} {what}" for path, line, what in sorted(problems)]


def test_the_case_models_are_known():
    assert {"Referral", "ReferralAttachment", "ReferralInformation", "ReferralUserObjectPermission"} <= (
        case_model_names()
    )


def test_view_modules_reach_cases_only_through_selectors():
    modules = view_modules()
    assert REPO / "referrals/views/staff.py" in modules
    assert REPO / "referrals/api/views.py" in modules
    sources = {str(p.relative_to(REPO)): p.read_text(encoding="utf-8") for p in modules}
    assert direct_case_queries(sources, case_model_names()) == []


def test_the_check_catches_a_view_that_queries_a_case_model():
    planted = (
        "from django.shortcuts import get_object_or_404\n"
        "from referrals import models\n"
        "from referrals.models import Referral, ReferralAttachment\n"
        "from referrals.selectors import referral_get\n"
        "def view(request, reference):\n"
        "    ok = referral_get(user=request.user, reference=reference)\n"
        "    ok.attachments.all()\n"
        "    Referral.objects.get(reference=reference)\n"
        "    models.ReferralAttachment._default_manager.all()\n"
        "    return get_object_or_404(ReferralAttachment, pk=1)\n"
    )
    assert direct_case_queries({"referrals/views/_probe.py": planted}, case_model_names()) == [
        "referrals/views/_probe.py:8 Referral.objects",
        "referrals/views/_probe.py:9 ReferralAttachment._default_manager",
        "referrals/views/_probe.py:10 get_object_or_404(ReferralAttachment)",
    ]
