"""Passkeys: django-otp-webauthn's four ceremony endpoints (audited through our services), naming and removing.

The endpoints keep the library's URL names (namespace `otp_webauthn`, accounts/webauthn_urls.py), its
JSON and its checks; what changes is that every write goes through accounts.services.passkeys, and that
a passkey is only ever a second factor (passwordless login is refused even if the setting were flipped).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views import View
from django_otp import login as otp_login
from django_otp_webauthn import exceptions as webauthn_errors
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from accounts.exceptions import PasskeyRemovalRefused
from accounts.forms import PasskeyNameForm
from accounts.permissions import can_remove_passkey
from accounts.selectors import passkey_get
from accounts.services import (
    mfa_is_enrolled,
    passkey_enrolment_finish,
    passkey_register,
    passkey_remove,
    passkey_rename,
    passkey_verify,
)
from accounts.services.passkeys import PASSKEY_DEFAULT_NAME
from accounts.views.mfa import _next_url

# Set when a passkey has just been registered: {"id": pk, "enrolment": bool}; the naming page reads it once.
NEW_PASSKEY_SESSION_KEY = "accounts_new_passkey"


class _OurEnrolmentRule:
    """The library refuses registration to an unverified session once the user "is enrolled"; enrolled is ours.

    An authenticator app or a passkey counts, backup codes alone do not (as at set-up), so a password alone
    can add a passkey only in forced enrolment, never beside an existing second factor.
    """

    def user_is_mfa_enrolled(self, user: object) -> bool:
        return mfa_is_enrolled(user=user)


class PasskeyRegistrationBeginView(_OurEnrolmentRule, BeginCredentialRegistrationView):
    """POST: creation options and a challenge kept in the session (the library's view)."""


class PasskeyRegistrationCompleteView(_OurEnrolmentRule, CompleteCredentialRegistrationView):
    """POST: the browser's new credential, verified by the library and stored by passkey_register."""

    def post(self, *args: object, **kwargs: object) -> JsonResponse:
        request = self.request
        passkey, enrolment = passkey_register(
            user=request.user, helper=self.get_helper(), state=self.get_state(), data=request.data
        )
        if not request.user.is_verified():
            # Forced enrolment: proving the new passkey is the second step, as the first code is for the app.
            otp_login(request, passkey)
        request.session[NEW_PASSKEY_SESSION_KEY] = {"id": passkey.pk, "enrolment": enrolment}
        return JsonResponse({"id": passkey.pk})


class _SecondFactorOnly:
    """Refuse the ceremony to anyone who has not given their password, whatever the passwordless setting."""

    def check_can_authenticate(self) -> None:
        if self.get_user() is None:
            raise webauthn_errors.PasswordlessLoginDisabled
        super().check_can_authenticate()


class PasskeyAuthenticationBeginView(_SecondFactorOnly, BeginCredentialAuthenticationView):
    """POST: request options listing the signed-in user's own passkeys, and a challenge kept in the session."""


class PasskeyAuthenticationCompleteView(_SecondFactorOnly, CompleteCredentialAuthenticationView):
    """POST: the signed challenge; a success marks the session verified exactly as a correct code does."""

    def post(self, *args: object, **kwargs: object) -> JsonResponse:
        try:
            state = self.get_state()
        except webauthn_errors.InvalidState:
            state = None  # passkey_verify refuses it and records the failure
        request = self.request
        try:
            passkey = passkey_verify(user=request.user, helper=self.get_helper(), state=state, data=request.data)
        except webauthn_errors.UserDisabled:
            logout(request)  # locked by wrong security codes: the half-signed-in session ends
            raise
        otp_login(request, passkey)
        return JsonResponse(self.get_success_data(passkey))


class PasskeyNameView(LoginRequiredMixin, View):
    """Name a passkey just added (and, at first sign-in, get the backup codes), or change its name later."""

    template_name = "accounts/passkey_name.html"

    def _new_passkey(self, request: HttpRequest, pk: int) -> dict | None:
        new = request.session.get(NEW_PASSKEY_SESSION_KEY)
        return new if isinstance(new, dict) and new.get("id") == pk else None

    def _render(self, request: HttpRequest, form: PasskeyNameForm, pk: int) -> HttpResponse:
        context = {"form": form, "is_new": self._new_passkey(request, pk) is not None, "next": _next_url(request)}
        return render(request, self.template_name, context)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        passkey = passkey_get(user=request.user, pk=pk)
        initial = {} if passkey.name == PASSKEY_DEFAULT_NAME else {"name": passkey.name}
        return self._render(request, PasskeyNameForm(initial=initial), pk)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        passkey = passkey_get(user=request.user, pk=pk)
        form = PasskeyNameForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, pk)
        new = self._new_passkey(request, pk)
        request.session.pop(NEW_PASSKEY_SESSION_KEY, None)
        name = form.cleaned_data["name"]
        if new and new.get("enrolment"):
            codes = passkey_enrolment_finish(user=request.user, passkey=passkey, name=name)
            context = {"codes": codes, "enrolled": True, "method": "passkey", "next": _next_url(request)}
            return render(request, "accounts/backup_codes.html", context)
        passkey_rename(user=request.user, passkey=passkey, name=name)
        messages.success(request, "Passkey added" if new else "Passkey name changed")
        return redirect("accounts:account")


class PasskeyRemoveView(LoginRequiredMixin, View):
    """GET: are you sure? POST: remove the passkey; refused while it is the only second factor."""

    template_name = "accounts/passkey_remove.html"

    def _render(self, request: HttpRequest, passkey: object) -> HttpResponse:
        context = {
            "passkey": passkey,
            "can_remove": can_remove_passkey(passkey, request.user),
            "is_current": request.user.otp_device == passkey,
        }
        return render(request, self.template_name, context)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._render(request, passkey_get(user=request.user, pk=pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        passkey = passkey_get(user=request.user, pk=pk)
        try:
            passkey_remove(user=request.user, passkey=passkey)
        except PasskeyRemovalRefused:
            return self._render(request, passkey)
        messages.success(request, "Passkey removed")
        return redirect("accounts:account")
