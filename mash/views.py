"""The MASH queue: thin views over mash.selectors and mash.services."""

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
from django.utils import timezone
from django.views import View

from . import services
from .exceptions import AssignmentRefused
from .forms import AssignForm
from .permissions import ASSIGNER_ROLES
from .selectors import BEFORE_SCREENING_DECISION, SORTS, TAB_SLUGS, TABS, queue_list, queue_referrals_for_assignment

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


def _kept(params: QueryDict) -> QueryDict:
    """The queue's own parameters only (tab, sort, page size, page), to come back to the same view."""
    kept = QueryDict(mutable=True)
    for key in ("tab", "sort", "per_page", "page"):
        if params.get(key):
            kept[key] = params[key]
    return kept


class QueueView(LoginRequiredMixin, View):
    """The council's cases: reference, dates, stage, due date, assignee and flags; nothing decrypted."""

    def _state(self, params: QueryDict) -> dict[str, Any]:
        per_page = params.get("per_page", "")
        return {
            "tab": _choice(params.get("tab"), TAB_SLUGS, "all"),
            "sort": _choice(params.get("sort"), SORTS, "newest"),
            "per_page": int(per_page) if per_page.isdigit() and int(per_page) in PAGE_SIZES else PAGE_SIZES[0],
        }

    def render_queue(self, request: HttpRequest, params: QueryDict, form: AssignForm | None = None) -> HttpResponse:
        state = self._state(params)
        rows = queue_list(user=request.user, tab=state["tab"], sort=state["sort"])
        page = QueuePage.of(rows, number=params.get("page"), size=state["per_page"])
        may_assign = request.user.has_role(*ASSIGNER_ROLES)
        if may_assign and form is None:
            form = AssignForm(user=request.user, references=[])
        context = {
            "page": page,
            "tabs": TABS,
            "sorts": [(slug, label) for slug, (label, _) in SORTS.items()],
            "page_sizes": PAGE_SIZES,
            "form": form,
            "may_assign": may_assign,
            "return_query": _kept(params).urlencode(),
            "today": timezone.localdate(),
            "before_decision": BEFORE_SCREENING_DECISION,
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
