"""Thin pages a chair runs a panel meeting from: fetch through a selector, validate, call one service."""

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
from referrals.exceptions import CaseChangedMeanwhile, TransitionNotPossible, TransitionRefused

from . import selectors, services
from .exceptions import PanelActionRefused, QuorumNotMet
from .forms import AgendaAddForm, AttendanceForm, DecisionForm, MeetingDateForm, MinutesForm, ViewsForm
from .pages import item_context, meeting_context, panel_context, record_context
from .panels import can_set_up_panel
from .permissions import can_chair, can_list_panels, can_manage_panel


def _errors_to(form: Any, exc: ChannelInvalid) -> None:
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


def _meeting_url(meeting: Any) -> str:
    return reverse("channel:meeting-detail", args=[meeting.pk])


def _item_url(meeting: Any, reference: str) -> str:
    return reverse("channel:agenda-item", args=[meeting.pk, reference])


class PanelListView(LoginRequiredMixin, View):
    """The panels this user chairs, manages or sits on, with their next meetings."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not can_list_panels(request.user):
            raise PermissionDenied
        panels = list(selectors.panel_list_visible(user=request.user))
        meetings = selectors.meeting_list_upcoming(user=request.user)
        context = {"panels": panels, "meetings": meetings, "can_set_up": can_set_up_panel(request.user)}
        return render(request, "channel/meetings/panel_list.html", context)


class PanelDetailView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, panel_id: int) -> HttpResponse:
        panel = selectors.panel_get(user=request.user, panel_id=panel_id)
        return render(request, "channel/meetings/panel_detail.html", panel_context(panel, request.user))


class MeetingCreateView(LoginRequiredMixin, View):
    def _render(self, request: HttpRequest, panel: Any, form: Any) -> HttpResponse:
        return render(
            request, "channel/meetings/meeting_form.html", {"panel": panel, "form": form, "title": "Arrange a meeting"}
        )

    def get(self, request: HttpRequest, panel_id: int) -> HttpResponse:
        panel = selectors.panel_get(user=request.user, panel_id=panel_id)
        if not can_manage_panel(panel, request.user):
            raise PermissionDenied
        return self._render(request, panel, MeetingDateForm())

    def post(self, request: HttpRequest, panel_id: int) -> HttpResponse:
        panel = selectors.panel_get(user=request.user, panel_id=panel_id)
        form = MeetingDateForm(request.POST)
        try:
            date = form.cleaned_data["date"] if form.is_valid() else None
            if not form.is_valid() and can_manage_panel(panel, request.user):
                return self._render(request, panel, form)
            meeting = services.meeting_create(panel=panel, actor=request.user, date=date)
        except PanelActionRefused as exc:
            raise PermissionDenied from exc
        except ChannelInvalid as exc:
            _errors_to(form, exc)
            return self._render(request, panel, form)
        messages.success(request, f"Meeting arranged for {meeting.date:%-d %B %Y}")
        return redirect(_meeting_url(meeting))


class MeetingDateView(LoginRequiredMixin, View):
    def _render(self, request: HttpRequest, meeting: Any, form: Any) -> HttpResponse:
        context = {"panel": meeting.panel, "meeting": meeting, "form": form, "title": "Change the date of the meeting"}
        return render(request, "channel/meetings/meeting_form.html", context)

    def get(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        if not can_manage_panel(meeting.panel, request.user):
            raise PermissionDenied
        return self._render(request, meeting, MeetingDateForm(initial={"date": meeting.date}))

    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        form = MeetingDateForm(request.POST)
        try:
            if not form.is_valid() and can_manage_panel(meeting.panel, request.user):
                return self._render(request, meeting, form)
            services.meeting_reschedule(meeting=meeting, actor=request.user, date=form.cleaned_data.get("date"))
        except PanelActionRefused as exc:
            raise PermissionDenied from exc
        except ChannelInvalid as exc:
            _errors_to(form, exc)
            return self._render(request, meeting, form)
        messages.success(request, f"Meeting moved to {meeting.date:%-d %B %Y}")
        return redirect(_meeting_url(meeting))


class MeetingDetailView(LoginRequiredMixin, View):
    """The meeting: its agenda (and, for the chair, adding, ordering and removing cases) and attendance."""

    def get(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        return render(request, "channel/meetings/meeting_detail.html", meeting_context(meeting, request.user))


class AgendaAddView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        if not can_manage_panel(meeting.panel, request.user):
            raise PermissionDenied
        candidates = selectors.agenda_candidates(meeting=meeting, user=request.user)
        form = AgendaAddForm(request.POST, candidates=candidates)
        if form.is_valid():
            chosen = next(case for case in candidates if case.referral.reference == form.cleaned_data["case"])
            try:
                services.agenda_item_add(meeting=meeting, actor=request.user, channel_case=chosen)
            except PanelActionRefused as exc:
                raise PermissionDenied from exc
            except ChannelInvalid as exc:
                _errors_to(form, exc)
            else:
                messages.success(request, f"Case {chosen.referral.reference} added to the agenda")
                return redirect(_meeting_url(meeting))
        context = meeting_context(meeting, request.user, add_form=form)
        return render(request, "channel/meetings/meeting_detail.html", context)


class AgendaMoveView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, meeting_id: int, reference: str) -> HttpResponse:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        item = selectors.agenda_item_get(user=request.user, meeting=meeting, reference=reference)
        try:
            services.agenda_item_move(item=item, actor=request.user, direction=request.POST.get("direction", ""))
        except PanelActionRefused as exc:
            raise PermissionDenied from exc
        except ChannelInvalid:
            messages.error(request, "Choose to move the case up or down.")
        return redirect(_meeting_url(meeting))


class AgendaRemoveView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, meeting_id: int, reference: str) -> HttpResponse:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        item = selectors.agenda_item_get(user=request.user, meeting=meeting, reference=reference)
        try:
            services.agenda_item_remove(item=item, actor=request.user)
        except PanelActionRefused as exc:
            raise PermissionDenied from exc
        except ChannelInvalid as exc:
            messages.error(request, exc.errors["case"][0])
            return redirect(_meeting_url(meeting))
        messages.success(request, f"Case {reference} removed from the agenda")
        return redirect(_meeting_url(meeting))


class AttendanceView(LoginRequiredMixin, View):
    def _render(self, request: HttpRequest, meeting: Any, form: Any) -> HttpResponse:
        return render(request, "channel/meetings/attendance.html", {"meeting": meeting, "form": form})

    def _form(self, meeting: Any, data: Any = None) -> AttendanceForm:
        initial = {f"member_{k}": v for k, v in selectors.attendance_for(meeting=meeting).items()}
        members = selectors.panel_members(panel=meeting.panel, meeting=meeting)
        return AttendanceForm(data, members=members, initial=initial)

    def get(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        if not can_manage_panel(meeting.panel, request.user):
            raise PermissionDenied
        return self._render(request, meeting, self._form(meeting))

    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        form = self._form(meeting, request.POST)
        form.is_valid()
        statuses = {int(name.removeprefix("member_")): value for name, value in form.cleaned_data.items()}
        try:
            services.attendance_record(meeting=meeting, actor=request.user, statuses=statuses)
        except PanelActionRefused as exc:
            raise PermissionDenied from exc
        except ChannelInvalid:
            return self._render(request, meeting, form)
        messages.success(request, "Attendance recorded")
        return redirect(_meeting_url(meeting))


class AgendaItemView(LoginRequiredMixin, View):
    """One case at the meeting: its summary (an audited read), the members' views, the decision, the minutes."""

    def get(self, request: HttpRequest, meeting_id: int, reference: str) -> HttpResponse:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        item = selectors.agenda_item_get_for_reading(user=request.user, meeting=meeting, reference=reference)
        return render(request, "channel/meetings/agenda_item.html", item_context(item, request.user))


class _ItemPost(LoginRequiredMixin, View):
    form_key = ""

    def form(self, item: Any, data: Any, user: Any) -> Any:
        raise NotImplementedError

    def call(self, item: Any, user: Any, form: Any) -> str:
        raise NotImplementedError

    def post(self, request: HttpRequest, meeting_id: int, reference: str) -> HttpResponse:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        item = selectors.agenda_item_get(user=request.user, meeting=meeting, reference=reference)
        form = self.form(item, request.POST, request.user)
        form.is_valid()
        try:
            done = self.call(item, request.user, form)
        except (PanelActionRefused, TransitionRefused) as exc:
            raise PermissionDenied from exc
        except QuorumNotMet as exc:
            form.add_error(None, exc.message)
        except ChannelInvalid as exc:
            _errors_to(form, exc)
        except (TransitionNotPossible, CaseChangedMeanwhile):
            form.add_error(None, "The case has moved on since this page was shown: reload the page")
        else:
            messages.success(request, done)
            return redirect(_item_url(meeting, reference))
        context = item_context(item, request.user, **{self.form_key: form})
        return render(request, "channel/meetings/agenda_item.html", context)


class AgendaViewsView(_ItemPost):
    form_key = "views_form"

    def form(self, item: Any, data: Any, user: Any) -> Any:
        members = selectors.present_members(meeting=item.meeting)
        if not can_chair(item.meeting.panel, user):  # a member gives their own view only
            members = [member for member in members if member.user_id == user.pk]
        return ViewsForm(data, members=members, allowed=services.views_allowed(item))

    def call(self, item: Any, user: Any, form: Any) -> str:
        views = {
            int(key.removeprefix("member_")): value
            for key, value in form.data.items()
            if key.startswith("member_") and key.removeprefix("member_").isdigit()
        }
        count = services.views_record(item=item, actor=user, views=views)
        return "View recorded" if count == 1 else f"{count} members' views recorded"


class AgendaDecisionView(_ItemPost):
    form_key = "decision_form"

    def form(self, item: Any, data: Any, user: Any) -> Any:
        return DecisionForm(data, allowed=services.views_allowed(item))

    def call(self, item: Any, user: Any, form: Any) -> str:
        decision = services.decision_record(
            item=item, actor=user, reason_code=form.data.get("reason_code", ""), note=form.data.get("note", "")
        )
        return f"Panel decision recorded: {decision.get_view_display()} ({decision.get_rule_display()})"


class AgendaMinutesView(_ItemPost):
    form_key = "minutes_form"

    def form(self, item: Any, data: Any, user: Any) -> Any:
        return MinutesForm(data)

    def call(self, item: Any, user: Any, form: Any) -> str:
        services.minutes_record(item=item, actor=user, text=form.data.get("text", ""))
        return "Minutes saved"


class MeetingRecordView(LoginRequiredMixin, View):
    """The printable decision record: references, attendance and decisions, no narratives."""

    def get(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        return render(request, "channel/meetings/record.html", record_context(meeting))
