"""Production settings, with the bench's URLconf: the service's URLs plus one bare signed-in page (urls.py)."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "benchmarks.load.urls"
# collectstatic's output for this run only (production's is the image's /app/staticfiles).
STATIC_ROOT = env.path("BENCH_STATIC_ROOT")  # noqa: F405
