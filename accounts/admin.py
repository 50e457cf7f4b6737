"""Reference data and users only: case content never appears in the admin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.exceptions import InvitationRefused, UserChangeRefused
from accounts.models import LocalAuthority, Organisation, Role, User
from accounts.services import admin_change_record, user_deactivate, user_role_change

# Safety over convenience: roles are memberships, never Django groups, and a group could carry global
# permissions (which django-fsm's permission check falls back to). So groups are not offered at all.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ("name", "ons_code", "nation")
    list_filter = ("nation",)
    search_fields = ("name", "ons_code")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "sector", "local_authority")
    list_filter = ("sector", "local_authority")
    search_fields = ("name",)


class MembershipAdminForm(forms.Form):
    local_authority = forms.ModelChoiceField(LocalAuthority.objects.all(), label="Council")
    role = forms.ChoiceField(choices=Role.choices)
    organisation = forms.ModelChoiceField(Organisation.objects.all(), required=False)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Users; their role and council change only on the membership page, through `user_role_change`.

    No membership inline: it would write Membership rows directly, unaudited, and let a superuser give
    themselves any role in any council. The service audits the change and refuses one's own.
    """

    ordering = ("email",)
    list_display = ("email", "display_name", "role", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "membership_record__role", "membership_record__local_authority")
    search_fields = ("email", "display_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("display_name",)}),
        ("Role and council", {"fields": ("membership_summary",)}),
        ("Status", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    readonly_fields = ("last_login", "date_joined", "membership_summary")

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # Users are a superuser's job (ACCESS.md); so is every user_role_change and user_deactivate made here.
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> tuple:
        if obj is not None and obj.pk == request.user.pk:
            # Nobody changes their own standing: no self-deactivation, no dropping or granting one's own staff rights.
            return (*self.readonly_fields, "is_active", "is_staff", "is_superuser")
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """Deactivation goes through user_deactivate, as on the Prevent lead's page: sessions end, audited."""
        deactivating = change and "is_active" in form.changed_data and not obj.is_active
        if deactivating:
            obj.is_active = True  # the service sets it
        super().save_model(request, obj, form, change)
        if deactivating:
            user_deactivate(actor=request.user, user=obj)

    @admin.display(description="Role and council")
    def membership_summary(self, obj: User) -> str:
        membership = obj.membership
        text = str(membership) if membership else "None"
        url = reverse(f"{self.admin_site.name}:accounts_user_membership", args=[obj.pk])
        return format_html('{} <a href="{}">Change role or council</a>', text, url)

    def get_urls(self) -> list:
        membership = self.admin_site.admin_view(self.membership_view)
        return [
            path("<path:object_id>/membership/", membership, name="accounts_user_membership"),
            *super().get_urls(),
        ]

    def membership_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Set a user's role, council and organisation through the audited service (never one's own)."""
        user = self.get_object(request, unquote(object_id))
        if user is None:
            raise Http404
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        change_url = reverse(f"{self.admin_site.name}:accounts_user_change", args=[user.pk])
        membership = user.membership
        initial = {}
        if membership is not None:
            initial = {
                "local_authority": membership.local_authority_id,
                "role": membership.role,
                "organisation": membership.organisation_id,
            }
        form = MembershipAdminForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                user_role_change(actor=request.user, user=user, **form.cleaned_data)
            except UserChangeRefused as error:  # audited by the service
                messages.error(request, str(error))
                return redirect(change_url)
            except InvitationRefused as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Role and council changed")
                return redirect(change_url)
        elif request.method != "POST" and user.pk == request.user.pk:
            raise PermissionDenied  # a 403 page, audited: nobody changes their own role or council
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": user,
            "title": "Change role and council",
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/accounts/user/membership.html", context)


class AuditedAdminMixin:
    """Every add, change and delete made in the admin is an audit event (ADMIN_CHANGED), besides Django's log.

    Django's LogEntry can be edited or deleted by a superuser; the audit chain cannot. The event joins
    the admin's own transaction, so it is recorded if and only if the change is.
    """

    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        admin_change_record(actor=request.user, obj=obj, change="added")
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        admin_change_record(actor=request.user, obj=obj, change="changed")
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            admin_change_record(actor=request.user, obj=obj, change="deleted")
        return super().log_deletions(request, queryset)


class SecondFactorDeviceAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Who holds which second factor, read-only and without its secret; a superuser deletes a lost one.

    Replaces the libraries' admins, which show and edit the TOTP key and its QR code, the backup codes and
    a passkey's public key, and let the device be moved to another user. Deleting is kept (a lost phone or
    passkey) and is an ADMIN_CHANGED event; the user then sets up a new factor at their next sign-in.
    """

    list_display = ("user", "name", "confirmed", "created_at", "last_used_at")
    list_filter = ("confirmed",)
    search_fields = ("user__email",)
    fields = ("user", "name", "confirmed", "created_at", "last_used_at")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


for _device_model in (TOTPDevice, StaticDevice, WebAuthnCredential):
    # django-otp registers its own admins (webauthn leaves it to us): ours take their place.
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)
    admin.site.register(_device_model, SecondFactorDeviceAdmin)


def admin_site_audit(site: admin.AdminSite) -> None:
    """Make every model admin of the site audited, ours and the libraries' (called once every admin is registered).

    Also takes knox's token admin away: its add form shows a new token to the superuser, unaudited, so a
    superuser could act as anyone through the API. Tokens are made only by `manage.py create_api_token`
    (security first).
    """
    from knox.models import AuthToken

    if site.is_registered(AuthToken):
        site.unregister(AuthToken)
    for model, model_admin in list(site._registry.items()):  # noqa: SLF001 - the site keeps no public list
        if isinstance(model_admin, AuditedAdminMixin):
            continue
        audited = type(f"Audited{type(model_admin).__name__}", (AuditedAdminMixin, type(model_admin)), {})
        site.unregister(model)
        site.register(model, audited)
