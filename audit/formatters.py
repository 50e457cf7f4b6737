"""One display sentence per action, from the sentence declared beside it in audit/actions.py."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist

from audit.actions import ACTIONS, Outcome
from audit.models import AuditEvent

# Actions where a missing actor means a visitor who had not signed in, rather than the service itself.
_VISITOR_ACTIONS = {"ACCESS_REFUSED", "USER_SIGN_IN_FAILED", "API_TOKEN_REFUSED", "ANONYMOUS_REFUSALS_COUNTED"}


# Labels of codes owned by apps above audit (which must not import them): each app registers its choices in its
# AppConfig.ready(). Keyed by the details key (or "reason_code") whose values they label.
_CODE_LABELS: dict[str, dict[str, str]] = {}


def register_code_labels(*keys: str, labels: Iterable[tuple[str, Any]]) -> None:
    """Show the codes stored under these details keys (or "reason_code") by their labels, in pages and CSVs."""
    pairs = {str(code): str(label) for code, label in labels}
    for key in keys:
        _CODE_LABELS.setdefault(key, {}).update(pairs)


def code_label(key: str, code: Any) -> Any:
    """The label of a code stored under `key`; a value nobody registered is returned as stored."""
    if key in ("role", "previous_role"):
        return role_label(code) if code else code
    return _CODE_LABELS.get(key, {}).get(str(code), code) if isinstance(code, str) else code


class _Values(dict):
    def __missing__(self, key: str) -> str:
        return "(not recorded)"


def role_label(code: str) -> str:
    """A role code as its label ("triage_officer" -> "Triage officer"), read duck-typed from the membership's
    role choices (audit sits below accounts); an unknown code is spelt out the same way."""
    if not code:
        return "None"
    try:
        membership = get_user_model()._meta.get_field("membership_record").related_model
        labels = dict(membership._meta.get_field("role").flatchoices)
    except (FieldDoesNotExist, AttributeError):
        labels = {}
    return str(labels.get(code, code.replace("_", " ").capitalize()))


def target_type_label(model_label: str) -> str:
    """A stored model label as people say it ("referrals.referral" -> "referral"); unknown ones as stored."""
    if not model_label:
        return ""
    try:
        return str(apps.get_model(model_label)._meta.verbose_name)
    except (LookupError, ValueError):
        return model_label


def actor_label(event: AuditEvent, labels: dict[int, str]) -> str:
    if event.actor_id is None:
        return "Someone not signed in" if event.action in _VISITOR_ACTIONS else "The system"
    name = labels.get(event.actor_id, f"Deleted user {event.actor_id}")
    return f"{name}, {role_label(event.actor_role)}" if event.actor_role else name


def event_sentence(event: AuditEvent, labels: dict[int, str]) -> str:
    """The event as one plain-English sentence; ids, codes and counts only, as stored."""
    spec = ACTIONS.get(event.action)
    if spec is None:
        return f"{event.action} (an action this version does not know)"
    target = f"{target_type_label(event.target_type)} {event.target_id}".strip() or "(no target)"
    values: dict[str, Any] = _Values(
        actor=actor_label(event, labels),
        target=target,
        case_reference=event.case_reference or "(none)",
        reason_code=code_label("reason_code", event.reason_code) if event.reason_code else "(none)",
    )
    for key, value in (event.details or {}).items():
        shown = ("yes" if value else "no") if isinstance(value, bool) else code_label(key, value)
        values[spec.renamed.get(key, key)] = shown  # an event written before a key's rename reads as now
    return spec.sentence.format_map(values)


def event_rows(events: list[AuditEvent]) -> list[dict[str, Any]]:
    """Display rows for a page of events: the event, who did it, and its sentence (one query for names)."""
    from audit.selectors import actor_labels

    labels = actor_labels(actor_ids={event.actor_id for event in events if event.actor_id is not None})
    return [
        {
            "event": event,
            "actor": actor_label(event, labels),
            "sentence": event_sentence(event, labels),
            "label": ACTIONS[event.action].label if event.action in ACTIONS else event.action,
            "outcome_label": Outcome(event.outcome).label if event.outcome in Outcome.values else event.outcome,
        }
        for event in events
    ]


def csv_cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text
