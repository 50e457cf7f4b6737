"""The MASH queue and assigning a case: thin views over mash.selectors and mash.services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from referrals.selectors import referral_get

from . import services
from .exceptions import AssignmentRefused
from .forms import AssignForm, ReferralAssignForm
from .permissions import ASSIGNER_ROLES, can_assign_now
from .selectors import (
    SORTS,
    STAGES,
    QueueFilters,
    queue_list,
    queue_mark_assignable,
    queue_mark_attachments,
    queue_referrals_for_assignment,
    referral_assignee_id,
)

PAGE_SIZES = (25, 50, 100)
MAX_PAGE = 10_000  # a bound on the OFFSET a hand-made URL can ask the database for


@dataclass(frozen=True)
class QueuePage:
    """A page of the queue without a count: the rows, and whether there is a page before and after.

    Counting every case of a council on each view costs more than the page itself (a COUNT over the
    whole council's cases); the queue offers Previous and Next, so one extra row tells if a next page exists.
    """

    object_list: list
    number: int
    has_next: bool

    @classmethod
    def of(cls, rows: QuerySet, *, number: str | None, size: int) -> QueuePage:
        page = int(number) if number and number.isdigit() and 0 < int(number) <= MAX_PAGE else 1
        start = (page - 1) * size
        found = list(rows[start : start + size + 1])
        return cls(object_list=found[:size], number=page, has_next=len(found) > size)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def _choice(value: str | None, allowed: Any, default: str) -> str:
    return value if value in allowed else default


QUEUE_PARAMS = ("stage", "overdue", "mine", "sort", "per_page", "page")


def _kept(params: QueryDict) -> QueryDict:
    """The queue's own parameters only (filters, sort, page size, page), to come back to the same view."""
    kept = QueryDict(mutable=True)
    filters = QueueFilters.of(params)
    if filters.stage != "all":
        kept["stage"] = filters.stage
    for name in ("overdue", "mine"):
        if getattr(filters, name):
            kept[name] = "1"
    for key in ("sort", "per_page", "page"):
        if params.get(key):
            kept[key] = params[key]
    return kept


def _url(kept: QueryDict, **changes: str | None) -> str:
    """The queue's address with some parameters changed (None removes one); a new view starts at page 1."""
    query = kept.copy()
    query.pop("page", None)
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    return f"?{query.urlencode()}" if query else "?"


def _sort_header(kept: QueryDict, sort: str, *, ascending: str, descending: str, first: str) -> dict[str, str]:
    """A sortable column (MOJ sortable table, sorted on the server): its aria-sort and the link that sorts by it,
    or the other way round if it is the sort already."""
    state = {ascending: "ascending", descending: "descending"}.get(sort, "none")
    following = {"ascending": descending, "descending": ascending}.get(state, first)
    return {"aria_sort": state, "url": _url(kept, sort=following)}


def _selected_filters(filters: QueueFilters, kept: QueryDict) -> list[dict[str, str]]:
    """The MOJ filter's "Selected filters": each with a link that removes it."""
    selected = []
    if filters.stage != "all":
        label = next(stage.label for stage in STAGES if stage.slug == filters.stage)
        selected.append({"label": label, "url": _url(kept, stage=None)})
    if filters.overdue:
        selected.append({"label": "Overdue", "url": _url(kept, overdue=None)})
    if filters.mine:
        selected.append({"label": "Assigned to me", "url": _url(kept, mine=None)})
    return selected


class QueueView(LoginRequiredMixin, View):
    """The council's cases: reference, dates, stage, due date, assignee and flags; nothing decrypted."""

    def _state(self, params: QueryDict) -> dict[str, Any]:
        per_page = params.get("per_page", "")
        return {
            "filters": QueueFilters.of(params),
            "sort": _choice(params.get("sort"), SORTS, "newest"),
            "per_page": int(per_page) if per_page.isdigit() and int(per_page) in PAGE_SIZES else PAGE_SIZES[0],
        }

    def render_queue(self, request: HttpRequest, params: QueryDict, form: AssignForm | None = None) -> HttpResponse:
        state = self._state(params)
        rows = queue_list(user=request.user, filters=state["filters"], sort=state["sort"])
        page = QueuePage.of(rows, number=params.get("page"), size=state["per_page"])
        queue_mark_attachments(page.object_list)
        first_assignable = queue_mark_assignable(page.object_list)
        # Offered only when a case on this page can be assigned (with Channel or closed, it no longer can).
        may_assign = request.user.has_role(*ASSIGNER_ROLES) and first_assignable is not None
        if may_assign and form is None:
            form = AssignForm(user=request.user, references=[])
        kept = _kept(params)
        kept.pop("page", None)
        context = {
            "page": page,
            "stages": STAGES,
            "sorts": [(slug, label) for slug, (label, _) in SORTS.items()],
            "page_sizes": PAGE_SIZES,
            "form": form,
            "may_assign": may_assign,
            "first_assignable": first_assignable,
            # The ticked cases (a refused assignment shows them ticked again), read once, not once per row.
            "ticked": frozenset(form["references"].value() or ()) if may_assign else frozenset(),
            "return_query": _kept(params).urlencode(),
            "page_query": kept.urlencode(),
            "selected_filters": _selected_filters(state["filters"], kept),
            "received_header": _sort_header(
                kept, state["sort"], ascending="oldest", descending="newest", first="newest"
            ),
            "due_header": _sort_header(kept, state["sort"], ascending="due", descending="due-latest", first="due"),
            **state,
        }
        return render(request, "mash/queue.html", context)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_queue(request, request.GET)


class QueueAssignView(QueueView):
    """Assign or reassign the ticked cases (one or several); the queue again, with errors, if refused."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_role(*ASSIGNER_ROLES):
            raise PermissionDenied  # audited by audit.middleware
        chosen = request.POST.getlist("references")
        referrals = queue_referrals_for_assignment(user=request.user, references=chosen)
        form = AssignForm(request.POST, user=request.user, references=[r.reference for r in referrals])
        if form.is_valid():
            try:
                services.referrals_assign(
                    referrals=referrals, actor=request.user, assignee=form.cleaned_data["assignee"]
                )
            except AssignmentRefused as refused:
                form.add_error(None, str(refused))
            else:
                assignee = form.cleaned_data["assignee"]
                count = len(referrals)
                cases = "1 case" if count == 1 else f"{count} cases"
                messages.success(request, f"{cases} assigned to {assignee.display_name or assignee.email}")
                kept = _kept(QueryDict(request.POST.get("return_query", "")))
                url = reverse("referrals:referral-queue")
                return redirect(f"{url}?{kept.urlencode()}" if kept else url)
        return self.render_queue(request, QueryDict(request.POST.get("return_query", "")), form)


class ReferralAssignView(LoginRequiredMixin, View):
    """Assign or reassign one case from its case page (the summary card's "Change" link)."""

    def _referral(self, request: HttpRequest, reference: str) -> Any:
        referral = referral_get(user=request.user, reference=reference)  # a case they may not see: 404
        if not can_assign_now(referral, request.user):
            raise PermissionDenied  # audited by audit.middleware
        return referral

    def _page(self, request: HttpRequest, referral: Any, form: ReferralAssignForm) -> HttpResponse:
        return render(request, "mash/assign.html", {"referral": referral, "form": form})

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        referral = self._referral(request, reference)
        current = referral_assignee_id(referral=referral)
        form = ReferralAssignForm(user=request.user, initial={"assignee": current} if current else None)
        return self._page(request, referral, form)

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        referral = self._referral(request, reference)
        form = ReferralAssignForm(request.POST, user=request.user)
        if not form.is_valid():
            return self._page(request, referral, form)
        assignee = form.cleaned_data["assignee"]
        try:
            services.referral_assign(referral=referral, actor=request.user, assignee=assignee)
        except AssignmentRefused as refused:
            if refused.permission:
                raise PermissionDenied from refused
            form.add_error("assignee", str(refused))
            return self._page(request, referral, form)
        messages.success(request, f"Case {referral.reference} assigned to {assignee.display_name or assignee.email}")
        return redirect("referrals:referral-detail", reference=referral.reference)
