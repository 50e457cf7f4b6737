"""Blind index: normalised, keyed, purpose-separated, found by exact match."""

from __future__ import annotations

import datetime

import pytest

from encryption.blind_index import blind_index, normalise_name, normalise_text, person_index
from encryption.keyring import keyring_reset
from tests.testapp.models import Case

DOB = datetime.date(2009, 2, 17)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Seán O’Brien-Smith", "sean obrien smith"),
        ("  MR   John  SMITH  Jr ", "john smith"),
        ("ＪＯＨＮ", "john"),  # full-width letters (NFKC)
        ("Straße", "STRASSE"),  # casefold
        ("Zoë", "Zoe"),
        ("D'Arcy", "darcy"),
        ("Anne-Marie", "anne marie"),
    ],
)
def test_equivalent_names_normalise_alike(left, right):
    assert normalise_name(left) == normalise_name(right)
    assert person_index(given_name=left, family_name="", date_of_birth=DOB) == person_index(
        given_name=right, family_name="", date_of_birth=DOB
    )


def test_empty_names_have_no_index():
    assert person_index(given_name=" Mr ", family_name="Jr", date_of_birth=DOB) == ""
    assert person_index(given_name="", family_name=" ", date_of_birth=DOB) == ""


def test_normalise_text_collapses_whitespace():
    assert normalise_text(" a\t\n b\u00a0c ") == "a b c"


def test_person_index_matches_swapped_names_but_not_other_dates():
    base = person_index(given_name="Seán", family_name="O'Brien", date_of_birth=DOB)
    assert base == person_index(given_name="OBRIEN", family_name="sean", date_of_birth=DOB)
    assert base != person_index(given_name="Seán", family_name="O'Brien", date_of_birth=DOB.replace(day=18))
    assert base != person_index(given_name="Sian", family_name="O'Brien", date_of_birth=DOB)


def test_indexes_depend_on_the_key_and_the_purpose(settings):
    first = blind_index("value", purpose="name")
    assert first != blind_index("value", purpose="postcode")
    assert len(first) == 64
    assert "value" not in first
    settings.BLIND_INDEX_KEY = "Y2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2M="
    assert blind_index("value", purpose="name") != first
    keyring_reset()


@pytest.mark.django_db
def test_repeat_referral_is_found_by_exact_match(make_case):
    make_case(
        name="Seán O'Brien", person_index=person_index(given_name="Seán", family_name="O'Brien", date_of_birth=DOB)
    )
    make_case(name="Other", person_index=person_index(given_name="Ann", family_name="Other", date_of_birth=DOB))
    probe = person_index(given_name="sean", family_name="OBRIEN", date_of_birth=DOB)
    assert [c.name for c in Case.objects.filter(person_index=probe)] == ["Seán O'Brien"]
