"""Sign-in, sign-in failure and sign-out are recorded; a failed sign-in never stores what was typed."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from encryption import signals as encryption_signals
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def test_signing_in_and_out_is_recorded(client, prevent_lead, local_authority, events):
    response = client.post(reverse("accounts:sign-in"), {"username": prevent_lead.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    client.post(reverse("accounts:sign-out"))
    signed = events()
    assert [(e.action, e.actor_id, e.actor_role) for e in signed] == [
        ("USER_SIGNED_IN", prevent_lead.pk, "prevent_lead"),
        ("USER_SIGNED_OUT", prevent_lead.pk, "prevent_lead"),
    ]
    assert signed[0].local_authority_id == local_authority.pk
    assert signed[0].request_id  # tied to the request that signed in


def test_a_wrong_password_records_the_account_by_id_only(client, prevent_lead, local_authority, events):
    client.post(reverse("accounts:sign-in"), {"username": prevent_lead.email, "password": "wrong-password-123"})
    (event,) = events()
    assert (event.action, event.outcome, event.actor_id) == ("USER_SIGN_IN_FAILED", "refused", None)
    assert (event.target_type, event.target_id) == ("accounts.user", str(prevent_lead.pk))
    assert event.local_authority_id == local_authority.pk
    assert event.details == {"account_exists": True}
    stored = str(event.__dict__)
    assert prevent_lead.email not in stored
    assert "wrong-password-123" not in stored


def test_an_unknown_address_records_nothing_typed(client, events):
    client.post(reverse("accounts:sign-in"), {"username": "nobody-typed-this@example.org", "password": "guess-12345"})
    (event,) = events()
    assert (event.target_id, event.local_authority_id, event.details) == ("", None, {"account_exists": False})
    assert "nobody-typed-this" not in str(event.__dict__)


def test_key_events_from_the_encryption_app_are_recorded(events):
    data_key_id = uuid.uuid4()
    encryption_signals.case_key_created.send(sender=None, data_key_id=data_key_id)  # part of the case's own event
    encryption_signals.case_key_shredded.send(sender=None, data_key_id=data_key_id)
    encryption_signals.key_rotated.send(sender=None, kek_id="kek-2", rewrapped=12)
    encryption_signals.kek_retired.send(sender=None, kek_id="kek-1")
    assert [(e.action, e.target_id, e.details) for e in events()] == [
        ("CASE_KEY_SHREDDED", str(data_key_id), {}),
        ("KEY_ROTATED", "", {"key_id": "kek-2", "rewrapped": 12}),
        ("KEY_RETIRED", "", {"key_id": "kek-1"}),
    ]
