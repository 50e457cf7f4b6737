"""Per-request scope for unwrapped data keys."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .scope import data_key_scope


class DataKeyScopeMiddleware:
    """Unwrapped data keys are cached for this request only and dropped when it ends."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with data_key_scope():
            return self.get_response(request)
