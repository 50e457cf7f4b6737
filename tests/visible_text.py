"""What a person reads on a page, and the codes they must never read there (STYLE.md: labels, never codes).

`assert_no_codes(html)` checks a rendered page: the text outside tags, scripts and styles holds no status,
role, reason or action code. Attribute values (form values, URLs, test ids) are the machine's and not checked.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _TextParser(HTMLParser):
    _HIDDEN = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self._HIDDEN:
            self._hidden_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN and self._hidden_depth:
            self._hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The page's text as a screen shows it or a screen reader reads it (visually hidden text included)."""
    parser = _TextParser()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def codes() -> set[str]:
    """Codes that only machines read: roles and statuses with an underscore, audit actions, reason codes."""
    from accounts.models import Role
    from audit.actions import AuditAction
    from referrals import choices

    found = {code for code in (*Role.values, *choices.ReferralStatus.values) if "_" in code}
    found |= set(AuditAction.values)
    for reasons in (choices.GrantReason, choices.GrantEndReason, choices.BreakGlassReason, choices.ClosingReason):
        found |= set(reasons.values)
    from channel import choices as channel_choices

    found |= {code for code in channel_choices.ChannelStage.values if "_" in code}
    for reasons in channel_choices.ALL_REASONS:
        found |= set(reasons.values)
    return found


def codes_shown(html: str) -> set[str]:
    text = visible_text(html)
    # A whole word, not part of an e-mail address (the test users are triage_officer@test.example.org).
    return {code for code in codes() if re.search(rf"(?<![\w.@-]){re.escape(code)}(?![\w@-])", text)}


def assert_no_codes(html: str) -> None:
    shown = codes_shown(html)
    assert not shown, f"codes shown to people instead of their labels: {sorted(shown)}"
