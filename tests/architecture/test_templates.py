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
