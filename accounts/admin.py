"""Reference data and users only: case content never appears in the admin."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import LocalAuthority, Membership, Organisation, User


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
