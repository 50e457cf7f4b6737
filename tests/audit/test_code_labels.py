"""The audit log names what happened in words: the codes an event stores under these details keys read as their
labels on the auditor's search page (STYLE.md: people read labels, never codes)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit import services as audit

pytestmark = pytest.mark.django_db

REFERENCE = "PRV-2026-000555"

# (action, details, the code that must not show, the label that must show)
EVENTS = [
    (
        "CASE_ACCESS_REVOKED",
        {"grantee_id": 5, "grant_id": 7, "via": "window_ended"},
        "window_ended",
        "ended: the case is no longer on a meeting of their panel",
    ),
    ("ASSURANCE_READ", {"document": "self_assessment", "year": 2026}, "self_assessment", "toolkit self-assessment"),
    (
        "ASSURANCE_READ",
        {"document": "assurance_statement", "year": 2026},
        "assurance_statement",
        "read the council&#x27;s Channel assurance statement",
    ),
    (
        "ASSURANCE_AREA_RATED",
        {"year": 2026, "area": "consent_and_plans", "rating": "partly_met"},
        "consent_and_plans",
        "Consent and support plans recorded of the council&#x27;s Channel assurance statement for 2026 as Partly met",
    ),
    (
        "CHANNEL_STAGE_CHANGED",
        {"transition": "record_consent_given", "stage_before": "awaiting_consent", "stage_after": "supported"},
        "record_consent_given",
        "(Record consent given)",
    ),
    (
        "TRANSFER_PACKAGE_DELIVERED",
        {"package_id": "7b0e7d8a-3a57-4c39-9a3f-1f1f5a0f2b44", "transport": "drop_folder", "attempts": 1},
        "drop_folder",
        "delivered to CTP by the drop folder",
    ),
]


@pytest.mark.parametrize(("action", "details", "code", "label"), EVENTS, ids=[event[2] for event in EVENTS])
def test_the_audit_search_shows_the_label_of_a_stored_code(
    client, auditor, prevent_lead, *, action, details, code, label
):
    audit.record(actor=prevent_lead, action=action, case_reference=REFERENCE, details=details)
    client.force_login(auditor)
    body = client.get(reverse("audit:event-search"), {"case_reference": REFERENCE}).content.decode()
    assert label in body
    assert code not in body
