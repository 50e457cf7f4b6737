"""The admin site: a verified member of staff gets in, anyone else signed in gets a plain 403 page."""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class PreventAdminSite(admin.AdminSite):
    """Django's site, except for who is turned away and how.

    Django sends a signed-in user who may not use the admin to its login page. Ours redirects to the
    one sign-in page, which sends a signed-in user back to the admin: a redirect loop. They get the
    403 page instead (audited by audit.middleware.AccessRefusedMiddleware, as every 403 is); a visitor
    not signed in still goes to the sign-in page.
    """

    site_header = "Reference data and users"
    site_title = "Administration"

    def has_permission(self, request: HttpRequest) -> bool:
        # The middleware already asks every session for its second factor; the site asks again (fail closed).
        verified = getattr(request.user, "is_verified", None)
        return super().has_permission(request) and callable(verified) and bool(verified())

    def admin_view(self, view: Callable[..., HttpResponse], cacheable: bool = False) -> Callable[..., HttpResponse]:
        inner = super().admin_view(view, cacheable)

        def refuse_signed_in_outsiders(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated and not self.has_permission(request):
                return render(request, "errors/admin_403.html", status=403)
            return inner(request, *args, **kwargs)

        return update_wrapper(refuse_signed_in_outsiders, inner)


class PreventAdminConfig(AdminConfig):
    """django.contrib.admin with our site as `admin.site` (listed in INSTALLED_APPS in its place)."""

    default_site = "accounts.admin_site.PreventAdminSite"
