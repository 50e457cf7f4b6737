"""The panels and their meetings (reference data of the Channel panel); never a case's content.

Agenda items are shown, not edited: putting a case on an agenda will open it to the panel's members
(issue 14, the panel-meeting grant), so only the chair's audited pages may do it (security over convenience).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AgendaItem, Attendance, Meeting, Panel, PanelMember


class PanelMemberInline(admin.TabularInline):
    model = PanelMember
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "organisation", "sector")


@admin.register(Panel)
class PanelAdmin(admin.ModelAdmin):
    list_display = ("name", "local_authority", "chair", "police_force")
    list_filter = ("local_authority",)
    search_fields = ("name", "police_force")
    autocomplete_fields = ("chair",)
    inlines = (PanelMemberInline,)


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    fields = ("member", "status")


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ("order", "channel_case")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("panel", "date")
    list_filter = ("panel",)
    date_hierarchy = "date"
    inlines = (AttendanceInline, AgendaItemInline)
