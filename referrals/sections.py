"""The case page's registry: the sections, summary items and history phrases other apps add to it.

The case page lives in `referrals` and is extended, not imported into (DESIGN.md): an app that adds a
section (MASH screening, information requests, the Channel panel, closure) registers it here from its
`AppConfig.ready()`, so `referrals` never imports those apps. `referrals` registers its own sections
(Referral, Documents, History) through the same calls (referrals/case_sections.py).

Each section has its own URL, /referrals/<reference>/<slug>/ (the Referral section is the case's own
URL), served by `referrals` after the case visibility check, the section's `visible` check and the
read record (selectors.referral_section_get_for_reading); the section renders its template with
`context(referral, user)`. Forms inside a section post to their own app's URLs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

Check = Callable[[Any, Any], bool]
ContextBuilder = Callable[[Any, Any], dict[str, Any]]

# Path segments of the case's own URLs (referrals/urls.py): a section may not take one as its slug.
RESERVED_SLUGS = frozenset(
    # "assign" is mash's page (mash/urls.py), composed into the same namespace before these sections.
    {"confirmation", "add-information", "attachments", "actions", "access", "access-report", "break-glass", "assign"}
)
DEFAULT_SECTION = "referral"


def _always(referral: Any, user: Any) -> bool:
    return True


def _nothing(referral: Any, user: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class CaseSection:
    """One tab of the case page's sub-navigation and the page it opens.

    `visible(referral, user)` says whether this user sees the section of a case they may already see
    (a hidden section is neither linked nor served: 403); `context(referral, user)` gives the template's
    variables (the referral, the user and the page's summary are there already).
    """

    slug: str
    title: str
    order: int
    template: str
    context: ContextBuilder = _nothing
    visible: Check = _always


@dataclass(frozen=True)
class SummaryItem:
    """One row of the case summary card (e.g. the assignee and due date that MASH adds).

    `value(referral, user)` returns the words to show, or None to leave the row out (a SafeString from
    format_html may carry a badge). `action(referral, user)`, if given, returns the row's link as
    (text, what it changes for screen readers, url), or None where this user may not change it.
    """

    key: str
    label: str
    order: int
    value: Callable[[Any, Any], str | None]
    action: Callable[[Any, Any], tuple[str, str, str] | None] | None = None


ACTION_STYLES = ("primary", "secondary", "warning")


@dataclass(frozen=True)
class CaseAction:
    """One of "What you can do next" on the case page, added by the app that owns the action.

    `available(referral, user)` says whether this user may take it now; `url(referral, user)` is where the
    button goes (the app's own page or form). `style` is the GOV.UK button: primary, secondary or warning
    (warning buttons come last, whatever their order).
    """

    key: str
    label: str
    order: int
    url: Callable[[Any, Any], str]
    available: Check = _always
    style: str = "secondary"


# A history phrase turns one audit event into a caseworker's words: (title, description) or None to leave
# the event out of the history. `names` maps user ids to how people know them (display names).
HistoryPhrase = Callable[[Any, dict[int, str]], "tuple[str, str] | None"]

_SECTIONS: dict[str, CaseSection] = {}
_SUMMARY_ITEMS: dict[str, SummaryItem] = {}
_HISTORY_PHRASES: dict[str, HistoryPhrase] = {}
_ACTIONS: dict[str, CaseAction] = {}


def register(section: CaseSection) -> CaseSection:
    """Add a section to the case page (call from AppConfig.ready()); a slug is taken once only."""
    if section.slug in RESERVED_SLUGS:
        raise ImproperlyConfigured(f"Case section slug {section.slug!r} is a URL of the case page itself")
    existing = _SECTIONS.get(section.slug)
    if existing is not None and existing != section:
        raise ImproperlyConfigured(f"Case section {section.slug!r} is registered twice")
    _SECTIONS[section.slug] = section
    return section


def unregister(slug: str) -> None:
    """Remove a section (tests that register a section of their own clean up with this)."""
    _SECTIONS.pop(slug, None)


def section_get(slug: str) -> CaseSection | None:
    return _SECTIONS.get(slug)


def sections_for(referral: Any, user: Any) -> list[CaseSection]:
    """The sections this user sees on this case, in their order."""
    return [section for section in sorted(_SECTIONS.values(), key=_order) if section.visible(referral, user)]


def register_summary_item(item: SummaryItem) -> SummaryItem:
    _SUMMARY_ITEMS[item.key] = item
    return item


def unregister_summary_item(key: str) -> None:
    _SUMMARY_ITEMS.pop(key, None)


def summary_items_for(referral: Any, user: Any) -> list[dict[str, Any]]:
    """The registered summary card rows with a value for this case and user, in their order."""
    rows = []
    for item in sorted(_SUMMARY_ITEMS.values(), key=_order):
        value = item.value(referral, user)
        if value is None:
            continue
        row: dict[str, Any] = {"key": item.label, "value": value}
        action = item.action(referral, user) if item.action else None
        if action:
            row["action"] = dict(zip(("text", "hidden", "url"), action, strict=True))
        rows.append(row)
    return rows


def register_action(action: CaseAction) -> CaseAction:
    """Add an action to the case page's "What you can do next" (call from AppConfig.ready())."""
    if action.style not in ACTION_STYLES:
        raise ImproperlyConfigured(f"Case action {action.key!r}: style must be one of {ACTION_STYLES}")
    existing = _ACTIONS.get(action.key)
    if existing is not None and existing != action:
        raise ImproperlyConfigured(f"Case action {action.key!r} is registered twice")
    _ACTIONS[action.key] = action
    return action


def unregister_action(key: str) -> None:
    _ACTIONS.pop(key, None)


def actions_for(referral: Any, user: Any) -> list[dict[str, str]]:
    """The registered actions this user may take on this case now: {"key", "label", "url", "style"}, warning last."""
    ordered = sorted(_ACTIONS.values(), key=lambda action: (action.style == "warning", action.order, action.key))
    return [
        {"key": action.key, "label": action.label, "url": action.url(referral, user), "style": action.style}
        for action in ordered
        if action.available(referral, user)
    ]


def register_history_phrase(action: str, phrase: HistoryPhrase) -> None:
    """How an app's audit action reads in the case history (actions without one read by their audit label)."""
    _HISTORY_PHRASES[action] = phrase


def history_phrase(action: str) -> HistoryPhrase | None:
    return _HISTORY_PHRASES.get(action)


def _order(entry: CaseSection | SummaryItem) -> tuple[int, str]:
    return (entry.order, getattr(entry, "slug", getattr(entry, "key", "")))


# Cases another app keeps a trace of after their rows are gone (closure: purged cases, by their certificate),
# listed to their referrer as "Closed": fn(user) -> [{"reference": ..., "submitted_at": ...}].
GoneCases = Callable[[Any], list[dict[str, Any]]]
_GONE_CASES: list[GoneCases] = []


def register_gone_cases(fn: GoneCases) -> None:
    if fn not in _GONE_CASES:
        _GONE_CASES.append(fn)


def gone_cases_for_referrer(user: Any) -> list[dict[str, Any]]:
    return [case for fn in _GONE_CASES for case in fn(user)]
