"""The site's own pages, no app's: home, accessibility statement, privacy notice, health check, error pages."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import is_valid_path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from accounts.models import Role
from channel.meetings.permissions import can_list_panels
from channel.meetings.selectors import meeting_list_upcoming
from channel.support.selectors import channel_work_due
from mash.information_requests.permissions import ADDRESSEE_ROLES
from mash.information_requests.selectors import information_request_list_for_addressee

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    template_name = "pages/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.is_authenticated and user.has_role(*ADDRESSEE_ROLES):
            # A partner contributor's work is the information requests addressed to them (never a case).
            context["requests"] = information_request_list_for_addressee(user=user)
            context["today"] = timezone.localdate()
        if can_list_panels(user):
            # The chair's next meeting; a panel member's meetings (their agendas are one click away).
            context["panel_meetings"] = meeting_list_upcoming(user=user)
        if user.is_authenticated and user.has_role(Role.CHANNEL_CHAIR):
            # What is due on the council's Channel cases: re-assessments, post-exit reviews, late starts.
            context["channel_due"] = channel_work_due(user=user)
        return context


class AccessibilityView(TemplateView):
    template_name = "pages/accessibility.html"


class PrivacyView(TemplateView):
    template_name = "pages/privacy.html"


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "down"; the reason goes to the log, not the response
        logger.warning("healthz: database check failed", exc_info=True)
        return False


def _redis_ok(url: str) -> bool:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:
        logger.warning("healthz: redis check failed", exc_info=True)
        return False


def _backlog_checks() -> tuple[dict[str, str], dict[str, Any]]:
    """Outbox messages that used every attempt, and how long audit events wait for a signed checkpoint.

    Counts and ages only: no topic, object id, address or error text (those are in the log and the admin).
    """
    from audit.services import CheckpointError, audit_checkpoint_lag
    from core.services import outbox_stuck_count

    checks: dict[str, str] = {}
    dead = outbox_stuck_count()
    checks["outbox"] = "ok" if dead <= settings.HEALTHZ_MAX_DEAD_OUTBOX_MESSAGES else "stuck"
    figures: dict[str, Any] = {"outbox_dead_messages": dead}
    try:
        lag = audit_checkpoint_lag()
    except CheckpointError:
        logger.warning("healthz: the newest audit checkpoint cannot be trusted", exc_info=True)
        checks["audit_checkpoint"] = "invalid"
        figures["audit_checkpoint_age_hours"] = None
        return checks, figures
    late = lag.unanchored_hours > settings.HEALTHZ_MAX_CHECKPOINT_AGE_HOURS
    checks["audit_checkpoint"] = "late" if late else "ok"
    age = lag.checkpoint_age_hours
    figures["audit_checkpoint_age_hours"] = None if age is None else round(age, 2)
    figures["audit_unanchored_hours"] = round(lag.unanchored_hours, 2)
    return checks, figures


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when every dependency answers and nothing waits too long, 503 otherwise (docs/performance.md).

    Up/down per dependency, then the backlogs an operator must act on: outbox messages that used every
    attempt (over HEALTHZ_MAX_DEAD_OUTBOX_MESSAGES) and audit events unanchored by a signed checkpoint
    for over HEALTHZ_MAX_CHECKPOINT_AGE_HOURS. Counts and ages only, never personal data.
    """
    checks = {"database": "ok" if _database_ok() else "down"}
    if settings.REDIS_URL:
        checks["redis"] = "ok" if _redis_ok(settings.REDIS_URL) else "down"
    figures: dict[str, Any] = {}
    if checks["database"] == "ok":
        try:
            backlog, figures = _backlog_checks()
            checks.update(backlog)
        except Exception:  # a failing query is a sick service, never a 500 from the probe itself
            logger.warning("healthz: backlog check failed", exc_info=True)
            checks["backlog"] = "down"
    healthy = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if healthy else "down", "checks": checks, **figures}
    return JsonResponse(body, status=200 if healthy else 503)


# Under /api/ an error is the API's documented shape, {"detail": "..."} in JSON, never a page: Django answers
# these before (or without) REST framework's own handling, such as a body over DATA_UPLOAD_MAX_MEMORY_SIZE.
API_PREFIX = "/api/"
API_ERRORS = {
    400: "The request could not be read: check its headers and body",
    403: "You do not have permission to do this",
    404: "There is nothing at this address: see /api/docs/ for the API's addresses",
    500: "Sorry, there is a problem with the service: nothing was saved, try again later",
}


def _api_error(request: HttpRequest | None, status: int, exception: Exception | None = None) -> HttpResponse | None:
    if request is None or not request.path.startswith(API_PREFIX):
        return None
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        detail = f"The request body is too large: send at most {limit:,} bytes (files go to the attachments address)"
        return JsonResponse({"detail": detail}, status=413)
    detail = API_ERRORS[status]
    if status == HTTPStatus.NOT_FOUND and not request.path.endswith("/") and is_valid_path(f"{request.path}/"):
        detail = f"There is nothing at this address: the API's addresses end with a slash, {request.path}/"
    return JsonResponse({"detail": detail}, status=status)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 400, exception) or render(request, "errors/400.html", status=400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 403) or render(request, "errors/403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_error(request, 404) or render(request, "errors/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    if api_response := _api_error(request, 500):
        return api_response
    # No context processors that touch the database: the failure may be the database itself.
    from django.template import loader

    page = loader.get_template("errors/500.html").render({"service_name": settings.SERVICE_NAME})
    return HttpResponse(page, status=500)
