"""Template context every page needs: the service name, and how long unfinished referrals are kept."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict:
    return {"service_name": settings.SERVICE_NAME, "draft_retention_days": settings.DRAFT_RETENTION_DAYS}
