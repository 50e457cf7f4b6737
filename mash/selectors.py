"""The MASH queue: permission-filtered, and nothing decrypted (reference, dates, stage, assignee, flags)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from referrals.choices import ReferralStatus
from referrals.models import Referral, ReferralAttachment
from referrals.selectors import referral_list_visible

from .permissions import ASSIGNEE_ROLES, QUEUE_ROLES

S = ReferralStatus
# Still waiting for the screening decision: the stages whose screening due date can pass.
BEFORE_SCREENING_DECISION = (S.SUBMITTED, S.SCREENING)


@dataclass(frozen=True)
class QueueTab:
    slug: str
    label: str


TABS = (
    QueueTab("all", "All"),
    QueueTab("new", "New"),
    QueueTab("screening", "In screening"),
    QueueTab("information-gathering", "In information gathering"),
    QueueTab("with-channel", "With Channel"),
    QueueTab("overdue", "Overdue"),
    QueueTab("mine", "Assigned to me"),
)
TAB_SLUGS = {tab.slug for tab in TABS}
SORTS = {
    "newest": ("Newest first", ("-submitted_at", "-id")),
    "oldest": ("Oldest first", ("submitted_at", "id")),
    "due": ("Due date", (F("assessment__screening_due_on").asc(nulls_last=True), "submitted_at", "id")),
}

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


def _tab_filter(tab: str, *, user: Any) -> Q:
    today = timezone.localdate()
    return {
        "all": Q(),
        "new": Q(status=S.SUBMITTED),
        "screening": Q(status=S.SCREENING),
        "information-gathering": Q(status=S.INFORMATION_GATHERING),
        "with-channel": Q(status=S.WITH_CHANNEL),
        "overdue": Q(status__in=BEFORE_SCREENING_DECISION, assessment__screening_due_on__lt=today),
        "mine": Q(assessment__assigned_to=user) & ~Q(status=S.CLOSED),
    }[tab]


def queue_list(*, user: Any, tab: str = "all", sort: str = "newest") -> QuerySet[Referral]:
    """One query per page whatever its size: the assessment and assignee are joined, attachments an EXISTS."""
    if not getattr(user, "is_authenticated", False) or not user.has_role(*QUEUE_ROLES):
        return Referral.objects.none()
    # The council's own cases only: a grant (break-glass, a panel member's) opens a case, not the queue.
    own = referral_list_visible(user=user).filter(local_authority_id=user.local_authority_id)
    # Every submitted case has its assessment (opened on submit; mash's migration 0002 opened those of
    # earlier cases): an inner join, so that sorting by due date can walk the due date's index.
    return (
        own.filter(assessment__isnull=False)
        .filter(_tab_filter(tab if tab in TAB_SLUGS else "all", user=user))
        .select_related("assessment__assigned_to")
        .only(*_FIELDS)
        .annotate(has_attachments=Exists(ReferralAttachment.objects.filter(referral=OuterRef("pk"))))
        .order_by(*SORTS.get(sort, SORTS["newest"])[1])
    )


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
