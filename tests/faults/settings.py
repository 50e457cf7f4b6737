"""Settings of the processes under fault: the test settings, with Redis as cache and broker and a real SMTP server.

Used by the worker and beat that tests/faults/conftest.py starts (DJANGO_SETTINGS_MODULE), with the addresses of
the fault tests' own Redis and mail server in the environment. The test process itself keeps config.settings.test
and points its cache at the same Redis with an override.
"""

from config.settings.test import *  # noqa: F403
from config.settings.test import CELERY_BEAT_SCHEDULE, env

REDIS_URL = env("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
}
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = False
# Faster than production's 10 seconds, so a test waits seconds, not minutes, for the relay.
CELERY_BEAT_SCHEDULE = {"outbox-sweep": {**CELERY_BEAT_SCHEDULE["outbox-sweep"], "schedule": 1.0}}

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = env.int("FAULTS_SMTP_PORT")
EMAIL_USE_TLS = False
EMAIL_USE_SSL = False
EMAIL_HOST_USER = ""
EMAIL_HOST_PASSWORD = ""
EMAIL_TIMEOUT = 5

# The worker writes transfer packages where the test looks (the test settings' folder is shared by every run).
TRANSFER_DROP_DIR = env.path("FAULTS_TRANSFER_DROP_DIR", default=str(TRANSFER_DROP_DIR))  # noqa: F405
# Test-only: stop at this named step and wait to be killed (closure/fault_pause.py); empty, the default, never stops.
FAULT_PAUSE_AT = env.str("FAULT_PAUSE_AT", default="")
FAULT_PAUSE_FILE = env.str("FAULT_PAUSE_FILE", default="")
