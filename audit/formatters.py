"""One display sentence per action, from the sentence declared beside it in audit/actions.py."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
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


# Labels of codes kept in reference tables (InterventionType, ScreeningReason ...), which an operator edits while
# the service runs, so they cannot be registered at start-up: each app registers a lookup, codes -> labels, for
# the (action, details key or "reason_code") pairs whose codes live in its table. A page of events calls each
# lookup once, for the codes on that page (event_rows), never once per row.
CodeLookup = Callable[[set[str]], dict[str, str]]
_CODE_LOOKUPS: dict[tuple[str, str], CodeLookup] = {}
# Details keys that hold a user's id: sentences name that user as the pages name actors ({grantee}, {user} ...).
USER_ID_KEYS = ("grantee_id", "user_id", "addressee_id", "assignee_id", "owner_id", "provider_id")
_USER_TARGET = "accounts.user"
_MAX_ID_DIGITS = 18  # ids are 64-bit: a longer number is nobody's
# A placeholder alone in brackets: left out of the sentence when the event has no value for it.
_BRACKETED = re.compile(r" \(\{(\w+)\}\)")


def register_code_lookup(key: str, *, actions: Iterable[str], lookup: CodeLookup) -> None:
    """Show the codes the given actions store under `key` (a details key or "reason_code") by the labels
    `lookup` finds for them in a reference table (called once per page with the codes on it)."""
    for action in actions:
        _CODE_LOOKUPS[(action, key)] = lookup


def _looked_up(event: AuditEvent, key: str) -> Any:
    return event.reason_code if key == "reason_code" else (event.details or {}).get(key)


def table_labels(events: Iterable[AuditEvent]) -> dict[tuple[str, str], str]:
    """The labels, from their reference tables, of the table-kept codes these events hold: {(key, code): label}.
    One call of each lookup for all the events (a query per page at most, none when no event needs one)."""
    wanted: dict[int, tuple[CodeLookup, set[tuple[str, str]]]] = {}
    for event in events:
        for (action, key), lookup in _CODE_LOOKUPS.items():
            code = _looked_up(event, key) if event.action == action else None
            if isinstance(code, str) and code:
                wanted.setdefault(id(lookup), (lookup, set()))[1].add((key, code))
    labels: dict[tuple[str, str], str] = {}
    for lookup, pairs in wanted.values():
        found = lookup({code for _, code in pairs})
        labels |= {(key, code): str(found[code]) for key, code in pairs if code in found}
    return labels


def user_ids_named(events: Iterable[AuditEvent]) -> set[int]:
    """The users these events' sentences name: actors, user targets and the users their details refer to."""
    ids: set[int] = set()
    for event in events:
        if event.actor_id is not None:
            ids.add(event.actor_id)
        if (user_id := _user_target(event)) is not None:
            ids.add(user_id)
        details = event.details or {}
        ids |= {details[key] for key in USER_ID_KEYS if isinstance(details.get(key), int)}
    return ids


def user_label(labels: dict[int, str], user_id: Any) -> str:
    """A user named in a sentence as the pages name actors; a user since deleted by their former number."""
    return labels.get(user_id, f"deleted user {user_id}")


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


def _user_target(event: AuditEvent) -> int | None:
    # A refused request may name a user number nobody could have (/audit/users/10**30/): not a database id.
    target_id = str(event.target_id)
    if event.target_type != _USER_TARGET or not (target_id.isascii() and target_id.isdigit()):
        return None
    return int(target_id) if len(target_id) <= _MAX_ID_DIGITS else None


def _target(event: AuditEvent, labels: dict[int, str]) -> str:
    if (user_id := _user_target(event)) is not None:
        return user_label(labels, user_id)
    return f"{target_type_label(event.target_type)} {event.target_id}".strip() or "(no target)"


def event_sentence(event: AuditEvent, labels: dict[int, str], tables: dict[tuple[str, str], str] | None = None) -> str:
    """The event as one plain-English sentence: users by how the pages name them (`labels`, user id -> label),
    codes by their labels (registered, or from reference tables: `tables`, see table_labels)."""
    spec = ACTIONS.get(event.action)
    if spec is None:
        return f"{event.action} (an action this version does not know)"
    tables = tables or {}

    def label(key: str, code: Any) -> Any:
        return tables.get((key, code), code_label(key, code)) if isinstance(code, str) else code_label(key, code)

    values: dict[str, Any] = _Values(
        actor=actor_label(event, labels),
        target=_target(event, labels),
        case_reference=event.case_reference or "(none)",
        reason_code=label("reason_code", event.reason_code) if event.reason_code else "(none)",
    )
    for key, value in (event.details or {}).items():
        name = spec.renamed.get(key, key)  # an event written before a key's rename reads as now
        values[name] = ("yes" if value else "no") if isinstance(value, bool) else label(key, value)
        if name in USER_ID_KEYS:
            values[name.removesuffix("_id")] = user_label(labels, value)
    sentence = _BRACKETED.sub(lambda match: "" if _absent(match[1], event, values) else match[0], spec.sentence)
    return sentence.format_map(values)


def _absent(key: str, event: AuditEvent, values: dict[str, Any]) -> bool:
    # "({reason_code})" of an event with no reason, or "({via})" of one whose details lack it: left out, rather
    # than "((none))" or "((not recorded))".
    return not event.reason_code if key == "reason_code" else key not in values


def event_rows(events: list[AuditEvent]) -> list[dict[str, Any]]:
    """Display rows for a page of events: the event, who did it, and its sentence (one query for the names of
    the users the page names, and one per reference table whose codes it shows)."""
    from audit.selectors import actor_labels

    labels = actor_labels(actor_ids=user_ids_named(events))
    tables = table_labels(events)
    return [
        {
            "event": event,
            "actor": actor_label(event, labels),
            "sentence": event_sentence(event, labels, tables),
            "label": ACTIONS[event.action].label if event.action in ACTIONS else event.action,
            "outcome_label": Outcome(event.outcome).label if event.outcome in Outcome.values else event.outcome,
        }
        for event in events
    ]


def csv_cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text
