"""Reference data of Channel support, for the superuser (ACCESS.md: "Reference data (reason codes, VAF
catalogue ...)"): the VAF catalogue's versions with their factors, and the kinds of intervention. Case records
(Channel cases, decisions, assessments, consent, plans, panels) stay out of the admin: they change through
services, and ACCESS.md gives panels and meetings to the chair and the Prevent lead."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts.admin import AuditedAdminMixin

from .models import InterventionType, VAFCatalogue, VAFFactor


class VAFFactorInline(admin.TabularInline):
    model = VAFFactor
    extra = 22
    fields = ("dimension", "order", "name")

    def _in_use(self, obj: Any) -> bool:
        return obj is not None and obj.assessments.exists()

    # A version that assessments were made with is never rewritten: its factors name their ratings.
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._in_use(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._in_use(obj) and super().has_delete_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._in_use(obj) and super().has_add_permission(request, obj)


@admin.register(VAFCatalogue)
class VAFCatalogueAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """A new wording of the VAF is a new version: new assessments use the highest version, older ones keep theirs."""

    list_display = ("version", "title", "created_at")
    fields = ("version", "title")
    inlines = (VAFFactorInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("version",) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return (obj is None or not obj.assessments.exists()) and super().has_delete_permission(request, obj)


@admin.register(InterventionType)
class InterventionTypeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("label", "code", "by_provider", "order", "is_active")
    list_filter = ("by_provider", "is_active")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A code in use names past interventions in the audit trail: retire a kind by unticking "active".
        return ("code",) if obj is not None else ()
