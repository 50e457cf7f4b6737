"""The case page's own sections and history phrases, registered through the same registry other apps use."""

from __future__ import annotations

from typing import Any

from . import sections
from .choices import BreakGlassReason, ClosingReason, GrantReason, ReferralStatus

# The caseworker's words for each transition of the referral (a transition another app adds reads by its stage).
TRANSITION_TITLES = {
    "start_screening": "Screening started",
    "start_information_gathering": "Information gathering started",
    "refer_to_channel": "Referred to the Channel panel",
    "close": "Case closed",
    "close_from_channel": "Case closed",
    "start_transfer": "Transfer to CTP started",
    "confirm_transfer": "Transfer to CTP confirmed",
}


def _status(code: Any) -> str:
    return str(dict(ReferralStatus.choices).get(code, "another stage"))


def _person(names: dict[int, str], user_id: Any) -> str:
    return names.get(user_id, "a former user") if isinstance(user_id, int) else "a user"


def _status_changed(event: Any, names: dict[int, str]) -> tuple[str, str] | None:
    details = event.details or {}
    transition = details.get("transition", "")
    if transition == "submit":  # the submission has its own entry
        return None
    move = f"Moved from {_status(details.get('source'))} to {_status(details.get('target_status'))}."
    if transition in ("close", "close_from_channel") and event.reason_code:
        move = f"{dict(ClosingReason.choices).get(event.reason_code, 'Closed')}. {move}"
    title = TRANSITION_TITLES.get(transition, f"Moved to {_status(details.get('target_status'))}")
    return title, move


def _submitted(event: Any, names: dict[int, str]) -> tuple[str, str]:
    details = event.details or {}
    via = {"API": "through the API", "WEB": "through the web form"}.get(details.get("via", details.get("channel")), "")
    count = details.get("attachments") or 0
    documents = f", with {count} document{'s' if count != 1 else ''}" if count else ""
    return "Referral sent", " ".join(part for part in ("Sent", via) if part) + f"{documents}."


def _granted(event: Any, names: dict[int, str]) -> tuple[str, str]:
    details = event.details or {}
    hours = details.get("hours")
    reason = dict(GrantReason.choices).get(event.reason_code, "")
    description = " ".join(
        part for part in (f"{reason}." if reason else "", f"For {hours} hours." if hours else "") if part
    )
    return f"Access given to {_person(names, details.get('grantee_id'))}", description


def _revoked(event: Any, names: dict[int, str]) -> tuple[str, str]:
    details = event.details or {}
    ended = {
        "expiry": "Access ran out",
        "holder_changed": "Access ended: the holder's role changed",
        # The panel member's grant window: no meeting of their panel has the case on its agenda any more.
        "window_ended": "Access ended: the case is no longer on a meeting of their panel",
    }
    return ended.get(details.get("via"), "Access taken away"), f"Access of {_person(names, details.get('grantee_id'))}."


def _break_glass(event: Any, names: dict[int, str]) -> tuple[str, str]:
    reason = dict(BreakGlassReason.choices).get(event.reason_code, "")
    return "Break-glass access used", f"{reason}." if reason else ""


def _assigned(event: Any, names: dict[int, str]) -> tuple[str, str]:
    return f"Case assigned to {_person(names, (event.details or {}).get('assignee_id'))}", ""


def _mash_notified(event: Any, names: dict[int, str]) -> tuple[str, str] | None:
    return ("MASH team told of the new referral", "") if (event.details or {}).get("sent") else None


PHRASES = {
    "REFERRAL_STATUS_CHANGED": _status_changed,
    "REFERRAL_SUBMITTED": _submitted,
    "REFERRAL_INFORMATION_ADDED": lambda event, names: ("Further information added", ""),
    "REFERRAL_ATTACHMENT_ADDED": lambda event, names: ("Document added", ""),
    "REFERRAL_MASH_NOTIFIED": _mash_notified,
    "REFERRAL_ASSIGNED": _assigned,
    "CASE_ACCESS_GRANTED": _granted,
    "CASE_ACCESS_REVOKED": _revoked,
    "CASE_BREAK_GLASS": _break_glass,
    "CASE_EXPORTED": lambda event, names: ("Case exported", ""),
}


def _documents(referral: Any, user: Any) -> dict[str, Any]:
    return {"attachments": list(referral.attachments.all())}


def _history(referral: Any, user: Any) -> dict[str, Any]:
    from .selectors import referral_timeline

    return {"timeline": referral_timeline(referral=referral)}


def _reads_history(referral: Any, user: Any) -> bool:
    # A grantee (panel member, break-glass lead) reads the case, not what was done to it (ACCESS.md).
    from .permissions import can_read

    return can_read(referral, user)


def register_own_sections() -> None:
    sections.register(
        sections.CaseSection(sections.DEFAULT_SECTION, "Referral", 10, "referrals/sections/referral.html")
    )
    sections.register(
        sections.CaseSection("documents", "Documents", 80, "referrals/sections/documents.html", _documents)
    )
    sections.register(
        sections.CaseSection("history", "History", 90, "referrals/sections/history.html", _history, _reads_history)
    )
    for action, phrase in PHRASES.items():
        sections.register_history_phrase(action, phrase)
