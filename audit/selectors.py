"""Reads of the audit log for auditors: one visibility rule, and each search is itself audited.

Visibility: an auditor sees the events of their own local authority plus events with no
authority (system events such as chain checks and key rotation, and failed sign-ins for
addresses that match no account), which carry nothing about any authority's cases or staff.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Min, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from audit import services as audit
from audit.actions import ACTIONS, AuditAction, Outcome
from audit.formatters import event_rows, role_label
from audit.models import AuditEvent

AUDITOR_ROLE = "auditor"
MAX_ID_DIGITS = 18


@dataclass(frozen=True)
class SearchFilters:
    case_reference: str = ""
    user_id: int | None = None
    action: str = ""
    outcome: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def as_details(self) -> dict[str, Any]:
        """The filters as audit details (ids, codes and ISO dates only)."""
        values = {
            "case_reference": self.case_reference,
            "user_id": self.user_id,
            "action": self.action,
            "outcome": self.outcome,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
        }
        return {key: value for key, value in values.items() if value not in (None, "")}


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def event_list_visible(*, user: Any) -> QuerySet[AuditEvent]:
    """Events the user may see: none unless an auditor; then own authority's and authority-less events."""
    if not getattr(user, "is_authenticated", False) or not user.has_role(AUDITOR_ROLE):
        return AuditEvent.objects.none()
    authority = getattr(user, "local_authority_id", None)
    return AuditEvent.objects.filter(Q(local_authority_id=authority) | Q(local_authority_id__isnull=True))


def _filtered(*, user: Any, filters: SearchFilters) -> QuerySet[AuditEvent]:
    events = event_list_visible(user=user)
    if filters.case_reference:
        events = events.filter(case_reference=filters.case_reference)
    if filters.user_id is not None:
        events = events.filter(actor_id=filters.user_id)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.outcome:
        events = events.filter(outcome=filters.outcome)
    if filters.date_from:
        events = events.filter(occurred_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        events = events.filter(occurred_at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    return events.order_by("-sequence")


def event_search(*, user: Any, filters: SearchFilters, page: int = 1) -> QuerySet[AuditEvent]:
    """Matching visible events, newest first; the search is recorded (AUDIT_SEARCHED) before it is shown."""
    audit.record(actor=user, action=AuditAction.AUDIT_SEARCHED, details={**filters.as_details(), "page": page})
    return _filtered(user=user, filters=filters)


def event_list_for_export(*, user: Any, filters: SearchFilters, limit: int) -> list[AuditEvent]:
    """At most `limit` matching visible events for a CSV; the download is recorded with its row count."""
    rows = list(_filtered(user=user, filters=filters)[:limit])
    audit.record(actor=user, action=AuditAction.AUDIT_EXPORTED, details={**filters.as_details(), "count": len(rows)})
    return rows


# Every kind of read of a case, in the order an access report lists them (ACCESS.md "Access reports").
ACCESS_REPORT_READS = (
    AuditAction.CASE_CONTENT_READ,
    AuditAction.ATTACHMENT_DOWNLOADED,
    AuditAction.CASE_EXPORTED,
)
# Access given and ended: grants, their revocation or expiry, and break-glass.
ACCESS_REPORT_GRANTS = (
    AuditAction.CASE_ACCESS_GRANTED,
    AuditAction.CASE_BREAK_GLASS,
    AuditAction.CASE_ACCESS_REVOKED,
)


@dataclass(frozen=True)
class AccessReport:
    """A case's access report: who read it and how, who was given access, who was refused."""

    reads: list[dict[str, Any]]
    grants: list[dict[str, Any]]  # display rows (audit.formatters.event_rows), oldest first
    refusals: list[dict[str, Any]]


def _per_actor(events: QuerySet[AuditEvent]) -> list[dict[str, Any]]:
    rows = list(
        events.order_by()
        .values("action", "actor_id", "actor_role")
        .annotate(count=Count("sequence"), first=Min("occurred_at"), last=Max("occurred_at"))
        .order_by("first")
    )
    labels = actor_labels(actor_ids={row["actor_id"] for row in rows if row["actor_id"]})
    for row in rows:
        spec = ACTIONS.get(row["action"])
        row["kind"] = spec.label if spec else row["action"]
        row["actor"] = labels.get(row["actor_id"], f"Deleted user {row['actor_id']}") if row["actor_id"] else ""
        row["role_label"] = role_label(row["actor_role"])
    return rows


def access_report_build(*, events: QuerySet[AuditEvent]) -> AccessReport:
    """Group one case's events, already limited to what the viewer may see, into an access report."""
    done = events.filter(outcome=Outcome.DONE)
    reads = _per_actor(done.filter(action__in=ACCESS_REPORT_READS))
    order = {action: index for index, action in enumerate(ACCESS_REPORT_READS)}
    reads.sort(key=lambda row: order.get(row["action"], len(order)))
    grants = event_rows(list(done.filter(action__in=ACCESS_REPORT_GRANTS).order_by("sequence")))
    refusals = _per_actor(events.filter(outcome=Outcome.REFUSED))
    return AccessReport(reads=reads, grants=grants, refusals=refusals)


def case_access_report(*, user: Any, case_reference: str) -> AccessReport:
    """The auditor's access report of a case, from their own authority's log; recorded before it is shown."""
    audit.record(actor=user, action=AuditAction.CASE_ACCESS_REPORT_VIEWED, case_reference=case_reference)
    return access_report_build(events=_filtered(user=user, filters=SearchFilters(case_reference=case_reference)))


def case_event_list(*, user: Any, case_reference: str) -> QuerySet[AuditEvent]:
    """Every visible event about the case (reads, changes, refusals), newest first; not audited on its own."""
    return _filtered(user=user, filters=SearchFilters(case_reference=case_reference))


def actor_labels(*, actor_ids: set[int]) -> dict[int, str]:
    """E-mail addresses of the given staff ids (users may since have been deleted: they are simply absent)."""
    user_model = get_user_model()
    field = user_model.get_email_field_name()
    users = user_model._default_manager.filter(pk__in=actor_ids).values_list("pk", field)
    return dict(users)


def _staff_of(authority_id: int | None) -> QuerySet[Any]:
    # Duck-typed (audit sits below accounts): the users whose membership is in this authority.
    if authority_id is None:
        return get_user_model()._default_manager.none()
    return get_user_model()._default_manager.filter(membership_record__local_authority_id=authority_id)


def staff_id_visible(*, user: Any, identifier: str) -> int | None:
    """The id of a member of staff of the auditor's own authority, by e-mail address or user number.

    A user of another authority is unknown here, exactly like an address nobody has (ACCESS.md: the
    auditor sees the staff of their own council only). A number that is no longer anybody's is
    accepted only if the auditor's own log holds events of it (staff since deleted).
    Safety over convenience: someone who has moved to another council is not found either; their
    earlier events here stay reachable through a search by case, action or date.
    """
    authority = getattr(user, "local_authority_id", None)
    user_model = get_user_model()
    if identifier.isascii() and identifier.isdigit():
        # Ids are 64-bit: a longer number matches nobody (and must not reach the database).
        if len(identifier) > MAX_ID_DIGITS:
            return None
        user_id = int(identifier)
        if user_model._default_manager.filter(pk=user_id).exists():
            return user_id if _staff_of(authority).filter(pk=user_id).exists() else None
        return user_id if event_list_visible(user=user).filter(actor_id=user_id).exists() else None
    lookup = {f"{user_model.get_email_field_name()}__iexact": identifier}
    return _staff_of(authority).filter(**lookup).values_list("pk", flat=True).first()


def user_activity_subject(*, user: Any, user_id: int) -> str:
    """The label of a member of staff whose activity the auditor may see; 404 (audited) for anyone else."""
    if staff_id_visible(user=user, identifier=str(user_id)) is None:
        audit.record_refusal(
            actor=user,
            target_type="accounts.user",
            target_id=user_id,
            details={"status": 404, "method": "GET", "url_name": "audit:user-activity"},
        )
        raise Http404
    return actor_labels(actor_ids={user_id}).get(user_id, f"Deleted user {user_id}")
