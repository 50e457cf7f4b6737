"""Second factor: verify at sign-in, set up on first sign-in (QR code), backup codes, the account page."""

from __future__ import annotations

import base64

import qrcode
import qrcode.image.svg
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView
from django_otp import login as otp_login

from accounts.exceptions import EnrolmentRefused, SecondFactorLocked
from accounts.forms import BackupCodeForm, EnrolmentCodeForm, SecurityCodeForm
from accounts.selectors import backup_codes_left, mfa_method_list, passkey_list, security_code_attempts_left
from accounts.services import (
    backup_codes_generate,
    mfa_enrolment_confirm,
    mfa_enrolment_open,
    mfa_enrolment_start,
    mfa_is_enrolled,
    mfa_verify,
)
from accounts.views.auth import second_factor_locked_out


def _attempts_left_sentence(left: int) -> str:
    tries = "1 more try" if left == 1 else f"{left} more tries"
    return f"You have {tries} before your account is locked"


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    hosts = {request.get_host()}
    safe = url_has_allowed_host_and_scheme(candidate, allowed_hosts=hosts, require_https=request.is_secure())
    return candidate if candidate and safe else "/"


class MfaVerifyView(LoginRequiredMixin, View):
    """The second step of every sign-in: a code (app or backup), or a passkey (its script, views/passkeys.py)."""

    template_name = "accounts/mfa_verify.html"
    methods: list[str]

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.user.is_authenticated and request.user.is_verified():
            return redirect(_next_url(request))
        if request.user.is_authenticated and not mfa_is_enrolled(user=request.user):
            return redirect("accounts:mfa-setup")
        self.methods = mfa_method_list(user=request.user) if request.user.is_authenticated else []
        return super().dispatch(request, *args, **kwargs)

    def _form(self, data: object = None) -> SecurityCodeForm:
        # Without an authenticator app, the only code left is a backup code: the form says so.
        return (SecurityCodeForm if "totp" in self.methods else BackupCodeForm)(data)

    def _render(self, request: HttpRequest, form: SecurityCodeForm) -> HttpResponse:
        has_totp, has_passkey = "totp" in self.methods, "passkey" in self.methods
        context = {"form": form, "next": _next_url(request), "has_totp": has_totp, "has_passkey": has_passkey}
        return render(request, self.template_name, context)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, self._form())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self._form(request.POST)
        if form.is_valid():
            try:
                device = mfa_verify(user=request.user, token=form.cleaned_data["token"])
            except SecondFactorLocked:
                logout(request)  # the half-signed-in session ends; the password is refused until an unlock
                return second_factor_locked_out(request)
            if device is not None:
                otp_login(request, device)
                return redirect(_next_url(request))
            kind = "security code" if "totp" in self.methods else "backup code"
            left = security_code_attempts_left(user=request.user)
            form.add_error("token", f"Enter a correct {kind}. {_attempts_left_sentence(left)}")
        return self._render(request, form)


class MfaSetupView(LoginRequiredMixin, View):
    """Forced on first sign-in: add the account to an authenticator app, prove it with one code."""

    template_name = "accounts/mfa_setup.html"

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not mfa_enrolment_open(user=user, session_verified=user.is_verified()):
            # Safety: a second authenticator is never added on the strength of a password alone.
            return redirect("accounts:account" if user.is_verified() else "accounts:mfa-verify")
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request: HttpRequest, form: EnrolmentCodeForm) -> HttpResponse:
        device = mfa_enrolment_start(user=request.user, session_verified=request.user.is_verified())
        secret = base64.b32encode(device.bin_key).decode()
        grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        context = {"form": form, "secret": grouped, "next": _next_url(request), "adding": request.user.is_verified()}
        return render(request, self.template_name, context)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, EnrolmentCodeForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = EnrolmentCodeForm(request.POST)
        if form.is_valid():
            device = mfa_enrolment_start(user=request.user, session_verified=request.user.is_verified())
            codes = mfa_enrolment_confirm(user=request.user, device=device, token=form.cleaned_data["token"])
            if codes is not None:
                otp_login(request, device)
                context = {"codes": codes, "enrolled": True, "next": _next_url(request)}
                return render(request, "accounts/backup_codes.html", context)
            form.add_error("token", "Enter the 6-digit code shown in your authenticator app now")
        return self._render(request, form)


class MfaSetupQrView(LoginRequiredMixin, View):
    """The enrolment QR code as SVG (no Pillow, no inline markup); only while enrolment is open."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            device = mfa_enrolment_start(user=request.user, session_verified=request.user.is_verified())
        except EnrolmentRefused as error:
            raise Http404 from error
        image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=4)
        return HttpResponse(image.to_string(), content_type="image/svg+xml")


class AccountView(LoginRequiredMixin, TemplateView):
    """The signed-in user's own security settings: passkeys, backup codes and sign out everywhere."""

    template_name = "accounts/account.html"

    def get_context_data(self, **kwargs: object) -> dict:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["backup_codes_left"] = backup_codes_left(user=user)
        context["methods"] = mfa_method_list(user=user)
        context["passkeys"] = passkey_list(user=user)
        return context


class BackupCodesView(LoginRequiredMixin, View):
    """POST: a new set of backup codes, shown once; the old set stops working."""

    def post(self, request: HttpRequest) -> HttpResponse:
        codes = backup_codes_generate(user=request.user)
        return render(request, "accounts/backup_codes.html", {"codes": codes, "enrolled": False, "next": "/"})
