"""The Celery application: Redis broker in production, inline (eager) in the embedded default."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

# DjangoTask gives delay_on_commit(), so work is queued only once the row it names is committed.
app = Celery("prevent", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
