"""Reference data and users only: case content never appears in the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.http import HttpRequest
from django_otp_webauthn.admin import WebAuthnCredentialAdmin
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import LocalAuthority, Membership, Organisation, User
from accounts.services import admin_change_record

# The library defines its admin but leaves registering it to us: a superuser removes a lost passkey here.
admin.site.register(WebAuthnCredential, WebAuthnCredentialAdmin)


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


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    fk_name = "user"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "display_name", "role", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "membership_record__role", "membership_record__local_authority")
    search_fields = ("email", "display_name")
    inlines = (MembershipInline,)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("display_name",)}),
        ("Status", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    readonly_fields = ("last_login", "date_joined")


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
