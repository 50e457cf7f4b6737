"""Sign in, sign out, the timed-out and locked-out pages, and sign out everywhere."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views import View
from django.views.generic import TemplateView

from accounts.forms import SignInForm
from accounts.lockout import address_is_locked
from accounts.middleware import session_activity_record
from accounts.services import mfa_is_enrolled, user_sessions_revoke


class SignInView(auth_views.LoginView):
    """Password first (django-axes counts failures), then the second factor: set up, or verify."""

    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        target = "accounts:mfa-verify" if mfa_is_enrolled(user=self.request.user) else "accounts:mfa-setup"
        next_url = self.get_redirect_url()
        return reverse(target) + (f"?{urlencode({'next': next_url})}" if next_url else "")


class SignOutView(auth_views.LogoutView):
    """Sign-out is a POST (Django 5) so a link or image cannot sign a user out."""


class SignedOutView(TemplateView):
    template_name = "accounts/signed_out.html"


class TimedOutView(TemplateView):
    """Shown after the session limits end a session; works without JavaScript."""

    template_name = "accounts/timed_out.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["absolute"] = self.request.GET.get("reason") == "absolute"
        context["idle_minutes"] = settings.SESSION_IDLE_TIMEOUT // 60
        context["absolute_hours"] = settings.SESSION_ABSOLUTE_TIMEOUT // 3600
        return context


def locked_out(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): what to do, and nothing about the account.

    Someone who has not given the password is never told whether wrong security codes locked the account:
    that would say the account exists and that someone holds its password.
    """
    address = address_is_locked(getattr(request, "axes_ip_address", None))
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cause": "address" if address else "account"}
    return render(request, "accounts/locked_out.html", context, status=429)


def second_factor_locked_out(request: HttpRequest) -> HttpResponse:
    """The page after the last wrong security code allowed (the password was right, so the cause is said)."""
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cause": "security_codes"}
    return render(request, "accounts/locked_out.html", context, status=429)


class LockedOutView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return locked_out(request)


class SignOutEverywhereView(LoginRequiredMixin, View):
    """Ends every session of the signed-in user, this one included."""

    def post(self, request: HttpRequest) -> HttpResponse:
        user_sessions_revoke(user=request.user, actor=request.user)
        logout(request)
        return redirect("accounts:signed-out")


class KeepAliveView(LoginRequiredMixin, View):
    """ "Stay signed in" from the timeout warning: the idle clock starts again now, to the second, since the
    warning counts from here (pages record activity at most once a minute)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        session_activity_record(request)
        return HttpResponse(status=204)
