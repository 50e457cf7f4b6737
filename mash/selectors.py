"""The MASH queue: permission-filtered, and nothing decrypted (reference, dates, stage, assignee, flags)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from referrals.choices import ReferralStatus
from referrals.models import Referral, ReferralAttachment
from referrals.selectors import referral_list_visible

from .models import Assessment, screening_overdue_q
from .permissions import ASSIGNABLE_STAGES, ASSIGNEE_ROLES, QUEUE_ROLES

S = ReferralStatus


@dataclass(frozen=True)
class QueueTab:
    slug: str
    label: str


# The stages the queue filters by (one at a time), and the two narrowing choices (any together with a stage).
STAGES = (
    QueueTab("all", "All stages"),
    QueueTab("new", "New"),
    QueueTab("screening", "In screening"),
    QueueTab("information-gathering", "In information gathering"),
    QueueTab("with-channel", "With Channel"),
)
STAGE_SLUGS = {stage.slug for stage in STAGES}
# The views the benchmark and the query-count test walk (and the old ?tab= links): each stage, overdue, mine.
TABS = (
    QueueTab("all", "All"),
    *STAGES[1:],
    QueueTab("overdue", "Overdue"),
    QueueTab("mine", "Assigned to me"),
)
TAB_SLUGS = {tab.slug for tab in TABS}
# Sorting: by when the case came in (its age) or by its screening due date, either way round.
SORTS = {
    "newest": ("Received, newest first", ("-submitted_at", "-id")),
    "oldest": ("Received, oldest first", ("submitted_at", "id")),
    "due": ("Screening due, soonest first", ("assessment__screening_due_on", "submitted_at", "id")),
    "due-latest": ("Screening due, latest first", ("-assessment__screening_due_on", "-submitted_at", "-id")),
}


def _overdue(today: Any) -> Q:
    """The rule of Assessment.is_screening_overdue, asked of the database."""
    return screening_overdue_q(today, of="referral")


@dataclass(frozen=True)
class QueueFilters:
    """What the queue shows: one stage (or all), and optionally only overdue cases, only the user's own."""

    stage: str = "all"
    overdue: bool = False
    mine: bool = False

    @classmethod
    def of(cls, params: Any) -> QueueFilters:
        """From the query string; an old single-choice `tab` link (?tab=overdue) still means what it did."""
        tab = params.get("tab") or ""
        stage = params.get("stage") or (tab if tab in STAGE_SLUGS else "all")
        return cls(
            stage=stage if stage in STAGE_SLUGS else "all",
            overdue=params.get("overdue") == "1" or tab == "overdue",
            mine=params.get("mine") == "1" or tab == "mine",
        )

    def q(self, *, user: Any) -> Q:
        condition = {
            "all": Q(),
            "new": Q(status=S.SUBMITTED),
            "screening": Q(status=S.SCREENING),
            "information-gathering": Q(status=S.INFORMATION_GATHERING),
            "with-channel": Q(status=S.WITH_CHANNEL),
        }[self.stage]
        if self.overdue:
            condition &= _overdue(timezone.localdate())
        if self.mine:
            condition &= Q(assessment__assigned_to=user) & ~Q(status=S.CLOSED)
        return condition


_FIELDS = (
    "id",
    "reference",
    "status",
    "submitted_at",
    "local_authority_id",
    "possible_repeat_count",
    "assessment__screening_due_on",
    "assessment__under_18",
    "assessment__immediate_risk",
    "assessment__assigned_to_id",
    "assessment__assigned_to__display_name",
    "assessment__assigned_to__email",
)


def queue_list(
    *, user: Any, tab: str = "all", sort: str = "newest", filters: QueueFilters | None = None
) -> QuerySet[Referral]:
    """One query per page whatever its size: the assessment and assignee are joined, and whether the screening is
    overdue is worked out in the same query (attachments: queue_mark_attachments, one more for the page)."""
    if not getattr(user, "is_authenticated", False) or not user.has_role(*QUEUE_ROLES):
        return Referral.objects.none()
    if filters is None:
        filters = QueueFilters.of({"tab": tab})
    # The council's own cases only: a grant (break-glass, a panel member's) opens a case, not the queue.
    own = referral_list_visible(user=user).filter(local_authority_id=user.local_authority_id)
    # Every submitted case has its assessment (opened on submit; mash's migration 0002 opened those of
    # earlier cases): an inner join, so that sorting by due date can walk the due date's index.
    return (
        own.filter(assessment__isnull=False)
        .filter(filters.q(user=user))
        .select_related("assessment__assigned_to")
        .only(*_FIELDS)
        .annotate(screening_overdue=ExpressionWrapper(_overdue(timezone.localdate()), output_field=BooleanField()))
        .order_by(*SORTS.get(sort, SORTS["newest"])[1])
    )


def queue_mark_attachments(referrals: list[Referral]) -> list[Referral]:
    """Set `has_attachments` on the cases of one page: one query on the page's ids (an index probe per case).

    The queue's one fast path, here only. As an EXISTS in the page's query, PostgreSQL plans a hash over every
    attachment of every case (it costs the subquery for every row the query could return, not for the page),
    so the page would slow down as the table grows; this query's cost follows the page size only."""
    with_files = set(
        ReferralAttachment.objects.filter(referral_id__in=[referral.pk for referral in referrals])
        .values_list("referral_id", flat=True)
        .distinct()
    )
    for referral in referrals:
        referral.has_attachments = referral.pk in with_files
    return referrals


def queue_mark_assignable(referrals: list[Referral]) -> str | None:
    """Set `assignable` on the cases of one page (still MASH work: a case with Channel or closed is not), so the
    queue offers a tick box only where assigning can succeed; returns the first such case's reference (the
    error summary's link goes to its box)."""
    for referral in referrals:
        referral.assignable = referral.status in ASSIGNABLE_STAGES
    return next((referral.reference for referral in referrals if referral.assignable), None)


def queue_assignees(*, user: Any) -> QuerySet[User]:
    """Whom the user may assign cases to: active triage and police Prevent officers of their council."""
    return (
        User.objects.filter(
            is_active=True,
            membership_record__local_authority_id=user.local_authority_id,
            membership_record__role__in=ASSIGNEE_ROLES,
        )
        .only("id", "display_name", "email")
        .order_by("display_name", "email")
    )


def queue_referrals_for_assignment(*, user: Any, references: list[str]) -> list[Referral]:
    """The chosen cases the user may see, with what assigning needs (no decryption)."""
    own = referral_list_visible(user=user).filter(local_authority_id=user.local_authority_id)
    return list(own.filter(reference__in=references).only("id", "reference", "status", "local_authority_id"))


def referral_assignee_id(*, referral: Referral) -> int | None:
    """Who works the case now (the id only), for a case the caller has fetched through a permitted selector."""
    return Assessment.objects.filter(referral=referral).values_list("assigned_to_id", flat=True).first()
