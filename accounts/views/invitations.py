"""Accepting an invitation: create a password, then set up the authenticator (forced by the middleware)."""

from __future__ import annotations

from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from accounts.exceptions import InvitationInvalid, InvitationRefused
from accounts.forms import CreatePasswordForm
from accounts.selectors import invitation_get_by_token
from accounts.services import invitation_accept

MODEL_BACKEND = "accounts.backends.UserBackend"


class InvitationAcceptView(View):
    template_name = "accounts/invitation_accept.html"

    def _invalid(self, request: HttpRequest, reason: str) -> HttpResponse:
        return render(request, "accounts/invitation_invalid.html", {"reason": reason}, status=410)

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            invitation = invitation_get_by_token(token=token)
        except InvitationInvalid as error:
            return self._invalid(request, error.reason)
        form = CreatePasswordForm(email=invitation.email)
        return render(request, self.template_name, {"form": form, "invitation": invitation})

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            invitation = invitation_get_by_token(token=token)
        except InvitationInvalid as error:
            return self._invalid(request, error.reason)
        form = CreatePasswordForm(request.POST, email=invitation.email)
        if form.is_valid():
            try:
                user = invitation_accept(invitation=invitation, password=form.cleaned_data["password1"])
            except (InvitationRefused, ValidationError) as error:
                form.add_error("password1", error.messages if isinstance(error, ValidationError) else str(error))
            else:
                # The password was just set through this link; the middleware now forces authenticator set-up.
                login(request, user, backend=MODEL_BACKEND)
                return redirect("accounts:mfa-setup")
        return render(request, self.template_name, {"form": form, "invitation": invitation})
