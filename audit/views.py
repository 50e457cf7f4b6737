"""The auditor's pages: search, CSV of a search, a case's access report, a user's activity."""

from __future__ import annotations

import csv
import json
from typing import Any

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import cached_property
from django.views import View

from audit import chain, selectors
from audit.details import REFERENCE_RE
from audit.formatters import csv_cell, event_rows, role_label
from audit.forms import AuditSearchForm

PAGE_SIZE = 50
MAX_PAGE = 1_000_000
# The log only grows: a search counts its events at most this many pages past the page shown.
COUNT_AHEAD_PAGES = 10
# The CSV carries every chained field, so an exported row can be checked against the chain.
CSV_COLUMNS = ["sequence", *chain.BODY_FIELDS, "mac"]
# And, after them, what people read: the action, role and outcome by their labels and the event's sentence.
CSV_LABEL_COLUMNS = ["action_label", "actor_role_label", "outcome_label", "what_happened"]


class AuditorRequiredMixin(LoginRequiredMixin):
    """Auditors only (ACCESS.md); anyone else signed in gets a 403, which is itself audited."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not request.user.has_role(selectors.AUDITOR_ROLE):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < MAX_PAGE else 1


class BoundedPaginator(Paginator):
    """A Paginator whose count stops COUNT_AHEAD_PAGES pages past the page asked for.

    Counting every matching event reads the whole of a log that only grows (an unfiltered search
    counts the authority's every event). Up to the bound the count is exact, as before; past it,
    `count` is the bound plus one, so there is always a next page to go to, and `count_is_exact` is
    False for the page to say "more than". Still one COUNT query, as any Paginator's.
    """

    def __init__(self, object_list: Any, per_page: int, *, page_number: int) -> None:
        super().__init__(object_list, per_page)
        self.count_limit = (page_number + COUNT_AHEAD_PAGES) * per_page

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.count_limit + 1].count()

    @property
    def count_is_exact(self) -> bool:
        return self.count <= self.count_limit

    @property
    def pages_counted(self) -> int:
        """Whole pages known to exist (for "page 3 of more than 13")."""
        return self.count_limit // self.per_page


def _page_context(request: HttpRequest, events: Any) -> dict[str, Any]:
    number = _page_number(request)
    page = BoundedPaginator(events, PAGE_SIZE, page_number=number).get_page(number)
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": page, "rows": event_rows(list(page.object_list)), "query": query.urlencode()}


class AuditSearchView(AuditorRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        form = AuditSearchForm(request.GET, user=request.user)
        context: dict[str, Any] = {"form": form}
        if form.is_valid():
            events = selectors.event_search(user=request.user, filters=form.filters(), page=_page_number(request))
            context |= _page_context(request, events)
        return render(request, "audit/search.html", context)


class AuditSearchExportView(AuditorRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        form = AuditSearchForm(request.GET, user=request.user)
        if not form.is_valid():
            return render(request, "audit/search.html", {"form": form}, status=400)
        limit = getattr(settings, "AUDIT_EXPORT_MAX_ROWS", 100_000)
        events = selectors.event_list_for_export(user=request.user, filters=form.filters(), limit=limit)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-events.csv"'
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS + CSV_LABEL_COLUMNS)
        for row in event_rows(events):
            event = row["event"]
            values = [getattr(event, column) for column in CSV_COLUMNS]
            values[CSV_COLUMNS.index("details")] = json.dumps(event.details, sort_keys=True)
            values += [row["label"], role_label(event.actor_role) if event.actor_role else "", row["outcome_label"]]
            values.append(row["sentence"])
            writer.writerow([csv_cell(value) for value in values])
        return response


class CaseAccessReportView(AuditorRequiredMixin, View):
    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        if not REFERENCE_RE.match(reference):
            raise Http404
        report = selectors.case_access_report(user=request.user, case_reference=reference)
        events = selectors.case_event_list(user=request.user, case_reference=reference)
        context = {"reference": reference, "report": report}
        return render(request, "audit/case_access.html", context | _page_context(request, events))


class UserActivityView(AuditorRequiredMixin, View):
    def get(self, request: HttpRequest, user_id: int) -> HttpResponse:
        label = selectors.user_activity_subject(user=request.user, user_id=user_id)
        filters = selectors.SearchFilters(user_id=user_id)
        events = selectors.event_search(user=request.user, filters=filters, page=_page_number(request))
        context = {"subject_id": user_id, "subject": label, **_page_context(request, events)}
        return render(request, "audit/user_activity.html", context)
