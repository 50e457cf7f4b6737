"""The submission route is recorded as `via` (not `channel`, the name of the Channel programme).

Events written before the rename keep `channel` in their details: the chain is append-only and
the MAC covers details as written, so they are never rewritten. They still verify on either
database, and readers map the old key through `ActionSpec.renamed`.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit import chain
from audit import services as audit
from audit.actions import ACTIONS
from audit.details import AuditDetailsError
from audit.formatters import event_sentence
from audit.models import GENESIS_MAC, AuditEvent
from audit.writer import append

REFERENCE = "PRV-2026-000123"
LEGACY_DETAILS = {"channel": "API", "possible_repeats": 0, "attachments": 0, "mash_notified": True}


def _legacy_event(*, occurred_at: dt.datetime, actor_id: int | None = 7) -> AuditEvent:
    """A REFERRAL_SUBMITTED event as the code before the rename built it (details already cleaned)."""
    return AuditEvent(
        occurred_at=occurred_at,
        actor_id=actor_id,
        actor_role="referrer",
        local_authority_id=3,
        action="REFERRAL_SUBMITTED",
        outcome="done",
        target_type="referrals.referral",
        target_id="0b5f2a64-1c1e-4a55-9d8e-2f0c7f0e9a11",
        case_reference=REFERENCE,
        reason_code="",
        details=dict(LEGACY_DETAILS),
        request_id="",
    )


def test_a_legacy_event_keeps_its_canonical_bytes_and_mac():
    # Pinned from the code before the rename: the body and MAC of an old event must not move.
    event = _legacy_event(occurred_at=dt.datetime(2026, 11, 1, 9, 30, 0, 123456, tzinfo=dt.UTC))
    body = chain.event_body(event)
    assert body == (
        b'[1793525400123456,7,"referrer",3,"REFERRAL_SUBMITTED","done","referrals.referral",'
        b'"0b5f2a64-1c1e-4a55-9d8e-2f0c7f0e9a11","PRV-2026-000123","",'
        b'{"attachments":0,"channel":"API","mash_notified":true,"possible_repeats":0},""]'
    )
    assert chain.mac(b"\x01" * 32, 1, GENESIS_MAC, body) == (
        "7e5b0b9e5f58cb835892544a1b66cc31f87530947de4db0173dca31d6235b152"
    )


def test_the_submission_route_is_recorded_as_via_and_the_old_key_is_refused(triage_officer):
    with pytest.raises(AuditDetailsError, match="'channel'"):
        audit.record(actor=triage_officer, action=audit.AuditAction.REFERRAL_SUBMITTED, details={"channel": "WEB"})
    assert ACTIONS["REFERRAL_SUBMITTED"].details["via"] == "code"


@pytest.mark.django_db
def test_a_chain_with_events_from_before_and_after_the_rename_verifies(triage_officer, auditor):
    old = _legacy_event(occurred_at=timezone.now())
    append(old, chain.event_body(old), using="default")  # as the old record() did, after its checks
    audit.record(
        actor=triage_officer,
        action=audit.AuditAction.REFERRAL_SUBMITTED,
        case_reference=REFERENCE,
        details={"via": "WEB", "possible_repeats": 1, "attachments": 0, "mash_notified": True},
    )
    call_command("verify_audit", stdout=_Null())  # raises CommandError on a broken chain

    old_event, new_event = AuditEvent.objects.filter(action="REFERRAL_SUBMITTED").order_by("sequence")
    assert old_event.details == LEGACY_DETAILS  # stored as written, never rewritten
    assert new_event.details["via"] == "WEB"
    assert "channel" not in new_event.details
    assert f"submitted referral {REFERENCE} through the API (0 possible" in event_sentence(old_event, {})
    assert f"submitted referral {REFERENCE} through the web form (1 possible" in event_sentence(new_event, {})


def test_renamed_details_keys_point_at_declared_keys():
    for name, spec in ACTIONS.items():
        for old, new in spec.renamed.items():
            assert new in spec.details, (name, new)
            assert old not in spec.details, (name, old)  # one key, one meaning


class _Null:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass
