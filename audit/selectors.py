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
from django.utils import timezone

from audit import services as audit
from audit.actions import AuditAction
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


def case_access_report(*, user: Any, case_reference: str) -> list[dict[str, Any]]:
    """Everyone who opened the case: one row per actor with first and last read and the number of reads."""
    filters = SearchFilters(case_reference=case_reference, action=AuditAction.CASE_CONTENT_READ)
    audit.record(actor=user, action=AuditAction.AUDIT_SEARCHED, details=filters.as_details())
    reads = _filtered(user=user, filters=filters).order_by()
    return list(
        reads.values("actor_id", "actor_role")
        .annotate(reads=Count("sequence"), first_read=Min("occurred_at"), last_read=Max("occurred_at"))
        .order_by("first_read")
    )


def case_event_list(*, user: Any, case_reference: str) -> QuerySet[AuditEvent]:
    """Every visible event about the case (reads, changes, refusals), newest first; not audited on its own."""
    return _filtered(user=user, filters=SearchFilters(case_reference=case_reference))


def actor_labels(*, actor_ids: set[int]) -> dict[int, str]:
    """E-mail addresses of the given staff ids (users may since have been deleted: they are simply absent)."""
    user_model = get_user_model()
    field = user_model.get_email_field_name()
    users = user_model._default_manager.filter(pk__in=actor_ids).values_list("pk", field)
    return dict(users)


def user_id_for(*, identifier: str) -> int | None:
    """The id of the user with this e-mail address, or the number itself when given an id."""
    if identifier.isascii() and identifier.isdigit():
        # Ids are 64-bit: a longer number matches nobody (and must not reach the database).
        return int(identifier) if len(identifier) <= MAX_ID_DIGITS else None
    user_model = get_user_model()
    lookup = {f"{user_model.get_email_field_name()}__iexact": identifier}
    return user_model._default_manager.filter(**lookup).values_list("pk", flat=True).first()
