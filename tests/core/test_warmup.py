"""The warm-up config/wsgi.py runs in each worker before its first request (config/warmup.py)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import get_template

from config.warmup import _template_names, warm


def test_every_template_of_the_service_compiles_before_the_first_request():
    own = _template_names(Path(settings.BASE_DIR) / "templates")
    assert len(own) > 50
    assert warm() >= len(own)
    # The warm-up skips only templates that do not compile: none of the service's own may be among them.
    for name in own:
        get_template(name)


def test_the_warm_up_is_harmless_to_repeat():
    assert warm() == warm()


def test_a_template_that_cannot_be_read_is_skipped_not_fatal(settings, tmp_path, caplog):
    """A worker that cannot warm one template still starts: that template compiles on first use, as before."""
    (tmp_path / "broken.html").write_bytes(b"\xff\xfe not text")
    (tmp_path / "fine.html").write_text("<p>{{ value }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path], "APP_DIRS": False}]
    assert warm() == 1
    assert "broken.html not compiled (UnicodeDecodeError)" in caplog.text
