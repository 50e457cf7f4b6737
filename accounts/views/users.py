"""User management for the Prevent lead: list, invite, change role, deactivate, unlock (own authority only)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from accounts.exceptions import InvitationRefused, UserChangeRefused
from accounts.forms import InviteForm, RoleChangeForm
from accounts.permissions import can_manage_users
from accounts.selectors import invitation_list_pending, locked_out_emails, user_get_managed, user_list_managed
from accounts.services import user_deactivate, user_invite, user_own_account_refuse, user_role_change, user_unlock


def _refused(request: HttpRequest, error: UserChangeRefused) -> HttpResponse:
    """The service's reason (it has audited the refusal) on the GOV.UK 403 page, with the way back to the users."""
    context = {"message": str(error), "back_url": reverse("accounts:user-list"), "back_label": "Back to users"}
    return render(request, "errors/403.html", context, status=403)


class LeadRequiredMixin(LoginRequiredMixin):
    """Only a Prevent lead; anyone else signed in gets the 403 page (an audited refusal)."""

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.user.is_authenticated and not can_manage_users(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class UserListView(LeadRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        users = list(user_list_managed(actor=request.user))
        locked = locked_out_emails(emails=[user.email.lower() for user in users])
        context = {
            "users": [(user, user.email.lower() in locked) for user in users],
            "invitations": invitation_list_pending(actor=request.user),
        }
        return render(request, "accounts/users/list.html", context)


class UserInviteView(LeadRequiredMixin, View):
    template_name = "accounts/users/invite.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": InviteForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = InviteForm(request.POST)
        if form.is_valid():
            try:
                user_invite(actor=request.user, email=form.cleaned_data["email"], role=form.cleaned_data["role"])
            except InvitationRefused as error:
                form.add_error("email", str(error))
            else:
                hours = settings.INVITATION_MAX_AGE_HOURS
                messages.success(request, f"Invitation sent. The link works once and expires in {hours} hours.")
                return redirect("accounts:user-list")
        return render(request, self.template_name, {"form": form})


class UserRoleChangeView(LeadRequiredMixin, View):
    template_name = "accounts/users/role.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        managed = user_get_managed(actor=request.user, pk=pk)
        try:
            user_own_account_refuse(actor=request.user, user=managed, change="role")
        except UserChangeRefused as error:
            return _refused(request, error)
        form = RoleChangeForm(initial={"role": managed.role})
        return render(request, self.template_name, {"form": form, "managed": managed})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        managed = user_get_managed(actor=request.user, pk=pk)
        form = RoleChangeForm(request.POST)
        if form.is_valid():
            try:
                user_role_change(actor=request.user, user=managed, role=form.cleaned_data["role"])
            except UserChangeRefused as error:
                return _refused(request, error)
            messages.success(request, "Role changed")
            return redirect("accounts:user-list")
        return render(request, self.template_name, {"form": form, "managed": managed})


class UserDeactivateView(LeadRequiredMixin, View):
    template_name = "accounts/users/deactivate.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        managed = user_get_managed(actor=request.user, pk=pk)
        try:
            user_own_account_refuse(actor=request.user, user=managed, change="deactivate")
        except UserChangeRefused as error:
            return _refused(request, error)
        return render(request, self.template_name, {"managed": managed})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        managed = user_get_managed(actor=request.user, pk=pk)
        try:
            user_deactivate(actor=request.user, user=managed)
        except UserChangeRefused as error:
            return _refused(request, error)
        messages.success(request, "User deactivated. They have been signed out and can no longer sign in.")
        return redirect("accounts:user-list")


class UserUnlockView(LeadRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        managed = user_get_managed(actor=request.user, pk=pk)
        try:
            unlocked = user_unlock(actor=request.user, user=managed)
        except UserChangeRefused as error:
            return _refused(request, error)
        if unlocked.addresses_still_blocked:
            messages.success(
                request,
                "Account unlocked. The user still cannot sign in from a network where too many sign-ins "
                "to other accounts failed. Ask the service's operators to check it.",
            )
        else:
            messages.success(request, "Account unlocked. The user can sign in again.")
        return redirect("accounts:user-list")
