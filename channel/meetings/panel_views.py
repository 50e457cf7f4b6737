"""Thin pages to set up a council's panel and add its members (the Channel chair and the Prevent lead)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from channel.exceptions import ChannelInvalid

from . import panels, selectors
from .exceptions import PanelActionRefused
from .forms import MemberAddForm, PanelForm
from .permissions import can_manage_panel


def _errors_to(form: Any, exc: ChannelInvalid) -> None:
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


class PanelCreateView(LoginRequiredMixin, View):
    def _render(self, request: HttpRequest, form: Any) -> HttpResponse:
        return render(request, "channel/meetings/panel_form.html", {"form": form})

    def get(self, request: HttpRequest) -> HttpResponse:
        if not panels.can_set_up_panel(request.user):
            raise PermissionDenied
        return self._render(request, PanelForm(chairs=selectors.panel_chair_candidates(user=request.user)))

    def post(self, request: HttpRequest) -> HttpResponse:
        if not panels.can_set_up_panel(request.user):
            raise PermissionDenied
        form = PanelForm(request.POST, chairs=selectors.panel_chair_candidates(user=request.user))
        if not form.is_valid():
            return self._render(request, form)
        data = form.cleaned_data
        try:
            panel = panels.panel_create(
                actor=request.user,
                name=data["name"],
                police_force=data["police_force"],
                chair=form.chairs[data["chair"]],
            )
        except PanelActionRefused as exc:
            raise PermissionDenied from exc
        except ChannelInvalid as exc:
            _errors_to(form, exc)
            return self._render(request, form)
        messages.success(request, f"{panel.name} set up")
        return redirect(reverse("channel:panel-detail", args=[panel.pk]))


class PanelMemberAddView(LoginRequiredMixin, View):
    def _form(self, panel: Any, data: Any = None) -> MemberAddForm:
        return MemberAddForm(
            data,
            people=selectors.panel_member_candidates(panel=panel),
            organisations=selectors.panel_organisations(panel=panel),
        )

    def _render(self, request: HttpRequest, panel: Any, form: Any) -> HttpResponse:
        return render(request, "channel/meetings/member_form.html", {"panel": panel, "form": form})

    def get(self, request: HttpRequest, panel_id: int) -> HttpResponse:
        panel = selectors.panel_get(user=request.user, panel_id=panel_id)
        if not can_manage_panel(panel, request.user):
            raise PermissionDenied
        return self._render(request, panel, self._form(panel))

    def post(self, request: HttpRequest, panel_id: int) -> HttpResponse:
        panel = selectors.panel_get(user=request.user, panel_id=panel_id)
        if not can_manage_panel(panel, request.user):
            raise PermissionDenied
        form = self._form(panel, request.POST)
        if not form.is_valid():
            return self._render(request, panel, form)
        data = form.cleaned_data
        try:
            member = panels.panel_member_add(
                panel=panel,
                actor=request.user,
                user=form.people[data["user"]],
                organisation=form.organisations.get(data["organisation"]),
                sector=data["sector"],
            )
        except ChannelInvalid as exc:
            _errors_to(form, exc)
            return self._render(request, panel, form)
        messages.success(request, f"{member.user.display_name or member.user.email} added to the panel")
        return redirect(reverse("channel:panel-detail", args=[panel.pk]))


class PanelMemberRemoveView(LoginRequiredMixin, View):
    """Confirm, then record that a member left the panel (their grants end at once)."""

    def _load(self, request: HttpRequest, panel_id: int, member_id: int) -> Any:
        panel = selectors.panel_get(user=request.user, panel_id=panel_id)
        if not can_manage_panel(panel, request.user):
            raise PermissionDenied
        return selectors.panel_member_get(panel=panel, member_id=member_id)

    def _render(self, request: HttpRequest, member: Any, error: str = "") -> HttpResponse:
        context = {"panel": member.panel, "name": _name(member), "error": error}
        return render(request, "channel/meetings/member_remove.html", context, status=400 if error else 200)

    def get(self, request: HttpRequest, panel_id: int, member_id: int) -> HttpResponse:
        member = self._load(request, panel_id, member_id)
        return self._render(request, member, panels.member_removal_refusal(member))

    def post(self, request: HttpRequest, panel_id: int, member_id: int) -> HttpResponse:
        member = self._load(request, panel_id, member_id)
        try:
            panels.panel_member_remove(member=member, actor=request.user)
        except PanelActionRefused as exc:
            raise PermissionDenied from exc
        except ChannelInvalid as exc:
            return self._render(request, member, exc.errors["__all__"][0])
        messages.success(request, f"{_name(member)} removed from the panel")
        return redirect(reverse("channel:panel-detail", args=[member.panel_id]))


def _name(member: Any) -> str:
    return member.user.display_name or member.user.email
