"""Actions are declared once; every one has a label, an allow-list and a sentence that renders."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from audit.actions import ACTIONS, AuditAction, Kind
from audit.formatters import csv_cell, event_sentence
from audit.models import AuditEvent

SAMPLE = {
    Kind.INT: 3,
    Kind.BOOL: True,
    Kind.UUID: "2f1c7c4e-8a56-4c1e-9a57-2b1d3f0e9c11",
    Kind.CODE: "NFA_SIGNPOSTED",
    Kind.NAME: "screening",
    Kind.REFERENCE: "PRV-2026-000001",
    Kind.DATE: "2026-03-27",
    Kind.KEY_ID: "kek-2",
    Kind.HTTP_METHOD: "GET",
    Kind.MINUTE: "2026-11-28 06:45",
}


def test_audit_action_is_built_from_the_one_table():
    assert [value for value, _ in AuditAction.choices] == list(ACTIONS)
    assert AuditAction.REFERRAL_SUBMITTED == "REFERRAL_SUBMITTED"
    for name in ACTIONS:
        assert re.fullmatch(r"[A-Z]+(_[A-Z]+)+", name), "actions are <ENTITY>_<PAST_TENSE>"


@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_sentence_renders_with_and_without_details(action):
    spec = ACTIONS[action]
    full = {key: SAMPLE[kind] for key, kind in spec.details.items()}
    for details in (full, {}):
        event = AuditEvent(action=action, actor_id=4, actor_role="auditor", occurred_at=dt.datetime.now(dt.UTC))
        event.details = details
        sentence = event_sentence(event, {4: "auditor@example.org"})
        assert "{" not in sentence
        assert sentence


def test_an_unknown_stored_action_still_displays():
    event = AuditEvent(action="RETIRED_ACTION", details={})
    assert "RETIRED_ACTION" in event_sentence(event, {})


@pytest.mark.parametrize("value", ["=HYPERLINK(1)", "+1", "-2", "@SUM(A1)"])
def test_csv_cells_never_start_a_formula(value):
    assert csv_cell(value).startswith("'")
