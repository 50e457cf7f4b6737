# Production image: gunicorn serves config.wsgi; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

WORKDIR /app

COPY requirements/ requirements/
RUN pip install -r requirements/base.txt -c requirements/constraints.txt && pip check

COPY . .

# collectstatic needs the production storage but no secret (config.settings.build).
RUN DJANGO_SETTINGS_MODULE=config.settings.build python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --home /app prevent \
    && mkdir -p /app/media /app/audit-checkpoints && chown prevent /app/media /app/audit-checkpoints

# Never run as root: a compromise of the app must not own the container.
USER prevent
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000"]
