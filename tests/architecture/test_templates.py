"""Template conventions that a page-by-page test would miss."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_no_page_title_repeats_the_error_prefix_that_base_html_adds():
    """base.html puts "Error: " before the title when the page's form has errors; a page that says it again
    reads "Error: Error: ..." to a screen reader user."""
    base = (TEMPLATES / "base.html").read_text()
    assert "{% if form.errors %}Error: {% endif %}{% block page_title %}" in base
    repeated = re.compile(r"{% block page_title %}{% if form\.errors[^%]*%}Error: ")
    offenders = [
        str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html") if repeated.search(path.read_text())
    ]
    assert offenders == []


_PAGE_TITLE = re.compile(r"{% block page_title %}(.*?){% endblock %}", re.S)
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)
_IF_TAGS = re.compile(r"({% (?:if|elif) [^%]*%}|{% else %}|{% endif %})")
_ERROR_PREFIX = re.compile(r"^{% if (?:form\.)?errors? %}Error: {% endif %}")
# The title leads with something else than the h1, on purpose:
TITLE_EXCEPTIONS = {
    # Every section of a case has the h1 "Case PRV-…": the title leads with the section, so that a browser's tabs
    # and history tell the sections apart (tests/e2e/test_case_page.py).
    "referrals/detail.html",
    # The h1 names the member of staff under the caption "Activity report"; the title says "Activity of" them.
    "audit/user_activity.html",
}


def _variants(text: str) -> list[str]:
    """Every text a template fragment can show, one per branch of its {% if %}s (nested too), tags removed."""
    tokens = _IF_TAGS.split(text)

    def parse(position: int) -> tuple[list[str], int]:
        results = [""]
        while position < len(tokens):
            token = tokens[position]
            if token.startswith("{% if "):
                branches: list[str] = []
                has_else = False
                position += 1
                while True:
                    branch, position = parse(position)
                    branches += branch
                    closing = tokens[position]
                    position += 1
                    has_else = has_else or closing == "{% else %}"
                    if closing == "{% endif %}":
                        break
                if not has_else:
                    branches.append("")
                results = [done + branch for done in results for branch in branches]
            elif token.startswith(("{% elif ", "{% else %}", "{% endif %}")):
                return results, position
            else:
                results = [done + token for done in results]
                position += 1
        return results, position

    shown = parse(0)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", variant)).strip() for variant in shown]


def test_every_page_title_starts_with_the_words_of_its_h1():
    """GOV.UK: the <title> begins with the page's h1 (a screen reader announces the title first). "Attendance -
    Meeting of…" over "Record attendance", "Deactivate user" over "Are you sure you want to deactivate this
    user?" read as two different pages."""
    offenders = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = str(path.relative_to(TEMPLATES))
        text = path.read_text()
        title = _PAGE_TITLE.search(text)
        headings = _H1.findall(text)
        if title is None or not headings or name in TITLE_EXCEPTIONS:
            continue
        h1s = [variant for heading in headings for variant in _variants(heading) if variant]
        for shown in _variants(_ERROR_PREFIX.sub("", title.group(1).strip())):
            if not any(shown.startswith(h1) for h1 in h1s):
                offenders.append(f"{name}: {shown!r} does not start with any of {h1s!r}")
    assert offenders == []


def test_the_title_check_follows_every_branch():
    assert _variants("{% if a %}A{% if b %}1{% else %}2{% endif %}{% elif c %}C{% endif %} x") == [
        "A1 x",
        "A2 x",
        "C x",
        "x",
    ]
