"""Reference data of the MASH, for the superuser: the reasons a screening outcome may give. Case records
(assessments, gateway checks, outcomes, decisions) stay out of the admin: they change through services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts.admin import AuditedAdminMixin

from .models import ScreeningReason


@admin.register(ScreeningReason)
class ScreeningReasonAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("label", "code", "route", "closing_reason", "order", "active")
    list_filter = ("route", "active")
    ordering = ("order", "label")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A code in use names past outcomes in the audit trail and statistics: it is set once. Retire a reason
        # by unticking "active", never by renaming its code.
        return ("code",) if obj is not None else ()
