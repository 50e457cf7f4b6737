"""Repeat referrals across councils: references only of cases the viewer may read, a recorded notice for the rest."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from audit.models import AuditEvent
from encryption.blind_index import BlindIndexField, person_index
from referrals import selectors
from referrals.models import Referral

from .factories import grant_row, submitted_referral

pytestmark = pytest.mark.django_db

NOTICE = "Another council may also have a referral about this person. You cannot see it."
ASK_LEAD = "Ask your Prevent lead to contact that council."
SHOWN = "REPEAT_REFERRAL_ELSEWHERE_SHOWN"


@pytest.fixture
def other_referrer(make_user, other_local_authority):
    return make_user(other_local_authority, "referrer", prefix="other-")


def _page(client, user, referral) -> str:
    client.force_login(user)
    response = client.get(reverse("referrals:referral-detail", args=[referral.reference]))
    assert response.status_code == 200
    return response.content.decode()


def test_triage_officer_sees_no_reference_of_another_councils_match_but_a_recorded_notice(
    client, referrer, other_referrer, triage_officer, assert_audited
):
    theirs = submitted_referral(user=other_referrer)
    ours = submitted_referral(user=referrer)
    body = _page(client, triage_officer, ours)
    assert theirs.reference not in body
    assert theirs.local_authority.name not in body
    assert NOTICE in body
    assert ASK_LEAD in body
    assert 'data-testid="possible-repeats"' not in body  # no readable match, so no list of references
    event = assert_audited(SHOWN, ours, count=1, councils_named=0)
    assert event.case_reference == ours.reference
    assert event.actor_id == triage_officer.pk
    assert set(event.details) == {"count", "councils_named"}
    assert "Possible repeat referral elsewhere shown" not in body  # a notice shown, not a change to the case


def test_a_match_in_the_viewers_own_council_is_a_link_and_nothing_is_recorded(client, referrer, triage_officer):
    first = submitted_referral(user=referrer)
    second = submitted_referral(user=referrer)
    body = _page(client, triage_officer, second)
    assert f'href="/referrals/{first.reference}/"' in body
    assert "Other referrals that may be about this person:" in body
    assert NOTICE not in body
    assert not AuditEvent.objects.filter(action=SHOWN).exists()


def test_the_prevent_lead_is_told_which_council_to_ask_never_the_reference(
    client, referrer, other_referrer, prevent_lead, assert_audited
):
    theirs = submitted_referral(user=other_referrer)
    ours = submitted_referral(user=referrer)
    body = _page(client, prevent_lead, ours)
    assert theirs.reference not in body
    assert f"{theirs.local_authority.name} may also have a referral about this person. You cannot see it." in body
    assert "Contact the Prevent lead of that council to ask about it." in body
    assert_audited(SHOWN, ours, count=1, councils_named=1)


def test_both_parts_show_when_matches_are_in_both_councils(client, referrer, other_referrer, triage_officer):
    own_earlier = submitted_referral(user=referrer)
    theirs = submitted_referral(user=other_referrer)
    ours = submitted_referral(user=referrer)
    body = _page(client, triage_officer, ours)
    assert f'href="/referrals/{own_earlier.reference}/"' in body
    assert theirs.reference not in body
    assert NOTICE in body


def test_a_different_person_is_no_match(client, referrer, other_referrer, triage_officer):
    submitted_referral(user=other_referrer, family_name="Different")
    ours = submitted_referral(user=referrer)
    body = _page(client, triage_officer, ours)
    assert NOTICE not in body
    assert not AuditEvent.objects.filter(action=SHOWN).exists()


def test_visible_matches_come_from_the_one_visibility_rule(referrer, other_referrer, other_triage_officer):
    """The other council's triage officer may read their own case, so the selector gives its reference."""
    theirs = submitted_referral(user=other_referrer)
    ours = submitted_referral(user=referrer)
    repeats = selectors.referral_possible_repeats(user=other_triage_officer, referral=ours)
    assert [match.reference for match in repeats.visible] == [theirs.reference]
    assert repeats.elsewhere_count == 0


def test_a_grant_holder_does_not_see_the_reference_of_a_match_they_cannot_read(
    client, referrer, triage_officer, panel_member, with_channel
):
    earlier = submitted_referral(user=referrer)  # the same person, in the same council, no grant for it
    grant_row(with_channel, panel_member, granted_by=triage_officer, expires_in=datetime.timedelta(days=1))
    body = _page(client, panel_member, with_channel)
    assert earlier.reference not in body
    repeats = selectors.referral_possible_repeats(user=panel_member, referral=with_channel)
    assert repeats.visible == []
    assert repeats.elsewhere_count == 1
    assert repeats.elsewhere_councils == []


def test_the_referral_has_no_blind_index_of_one_name_or_the_date_of_birth():
    removed = {"given_name_index", "family_name_index", "date_of_birth_index"}
    indexes = [f.name for f in Referral._meta.get_fields() if isinstance(f, BlindIndexField)]
    assert indexes == ["person_index"]
    migrated = MigrationLoader(None, ignore_no_migrations=True).project_state().models["referrals", "referral"]
    assert not removed & set(migrated.fields)
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, Referral._meta.db_table)}
    assert "person_index" in columns
    assert not removed & columns


def test_submit_still_computes_the_person_index_used_for_detection(referrer):
    referral = submitted_referral(user=referrer, given_name="Seán", family_name="O'Brien")
    stored = Referral.objects.filter(pk=referral.pk).values_list("person_index", flat=True).get()
    expected = person_index(given_name="sean", family_name="OBRIEN", date_of_birth=referral.date_of_birth)
    assert stored == expected
    assert len(stored) == 64
