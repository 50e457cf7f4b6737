"""Build before the first request what Django otherwise builds during it, once per process (config/wsgi.py).

Without it, the first request of each page in each gunicorn worker paid for the URL resolver's reverse
map (the first `{% url %}`: every URL pattern walked) and for compiling its templates, a few hundred
milliseconds on this service: after a deploy, the first people on each page waited for that, and in
`make bench-load` a rarely opened page (the audit search) had its p95 set by those first requests.
The same for Django's e-mail validator, whose expressions compile on first use (about 60 ms: the first sign-in,
referral or API submission of each worker). Public Django APIs only: `reverse()`, `validate_email()` and the
template backends' `get_template()` (the cached loader, which production's DEBUG = False turns on, keeps what
they compile).
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.core.validators import validate_email
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import NoReverseMatch, reverse

logger = logging.getLogger(__name__)
TEMPLATE_SUFFIXES = (".html", ".txt")


def _template_names(directory: Path) -> list[str]:
    return [
        path.relative_to(directory).as_posix()
        for path in sorted(directory.rglob("*"))
        if path.suffix in TEMPLATE_SUFFIXES and path.is_file()
    ]


def warm() -> int:
    """Fill the URL resolver, compile the e-mail validator and every template the service can render.

    Returns the number of templates compiled."""
    started = time.monotonic()
    try:
        reverse("home")
    except NoReverseMatch:
        logger.warning("Warm-up: no URL named home; the URL resolver fills on the first request instead.")
    validate_email("warm-up@example.org")
    compiled = 0
    for backend in engines.all():
        for directory in backend.template_dirs:
            for name in _template_names(Path(directory)):
                try:
                    backend.get_template(name)
                except (TemplateDoesNotExist, TemplateSyntaxError):
                    continue  # a library's template for a tag library not installed here: never rendered
                except Exception as exc:  # noqa: BLE001 - a warm-up must never stop a worker from starting
                    logger.warning("Warm-up: template %s not compiled (%s).", name, type(exc).__name__)
                    continue
                compiled += 1
    logger.info("Warm-up: %d templates compiled in %.2f s.", compiled, time.monotonic() - started)
    return compiled
