"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

# Each gunicorn worker loads this module before it takes a request: the URL resolver and the templates
# are built now, not during the first people's requests (config/warmup.py).
from config.warmup import warm  # noqa: E402  (after the application: Django is set up by then)

warm()
