"""Template context every page needs: the service name and the signed-in user's role."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict:
    return {"service_name": settings.SERVICE_NAME}
