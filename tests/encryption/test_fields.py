"""Encrypted model fields: round trips, and every kind of tampering raises."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import FieldError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encryption.exceptions import DataKeyMissing, DecryptionError, EncryptionError, KeyShredded
from encryption.fields import Sealed
from encryption.keyring import keyring_reset
from encryption.services import case_key_create, case_key_shred
from tests.testapp.models import Case, CaseNote

from .conftest import raw_get, raw_set, ring

pytestmark = pytest.mark.django_db

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)


def _round_trip(case: Case, name: str):
    """Seal through pre_save and open through from_db_value and the descriptor, as the ORM does."""
    field = Case._meta.get_field(name)
    sealed = field.pre_save(case, add=True)
    loaded = Case(pk=case.pk, data_key_id=case.data_key_id)
    setattr(loaded, name, None if sealed is None else field.from_db_value(sealed.data, None, None))
    return getattr(loaded, name)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(), details=_json, dob=st.dates())
def test_any_unicode_json_and_date_round_trip(make_case, text, details, dob):
    case = Case(data_key=case_key_create(), name=text[:200], narrative=text, details=details, date_of_birth=dob)
    assert _round_trip(case, "narrative") == text
    assert _round_trip(case, "name") == text[:200]
    assert _round_trip(case, "details") == details
    assert _round_trip(case, "date_of_birth") == dob


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(unit=st.text(min_size=1, max_size=4), repeat=st.integers(min_value=0, max_value=300_000))
def test_empty_to_megabyte_values_round_trip_through_the_database(make_case, unit, repeat):
    value = unit * repeat
    case = make_case(narrative=value)
    assert Case.objects.get(pk=case.pk).narrative == value


def test_empty_large_and_null_values_round_trip_through_the_database(make_case):
    large = "Ω≈ç√ large value 🙂 " * 60_000
    case = make_case(name="", narrative=large, details=None, date_of_birth=None)
    loaded = Case.objects.get(pk=case.pk)
    assert loaded.name == ""
    assert loaded.narrative == large
    assert loaded.details is None
    assert loaded.date_of_birth is None


def test_saved_values_read_back_from_a_fresh_query(make_case):
    case = make_case(name="Ada", narrative="text", date_of_birth=datetime.date(2009, 2, 17), details={"a": [1, "b"]})
    loaded = Case.objects.get(pk=case.pk)
    assert (loaded.name, loaded.narrative, loaded.date_of_birth, loaded.details) == (
        "Ada",
        "text",
        datetime.date(2009, 2, 17),
        {"a": [1, "b"]},
    )
    loaded.narrative = "changed"
    loaded.save()
    assert Case.objects.get(pk=case.pk).narrative == "changed"


def test_child_rows_use_the_root_key(make_case):
    case = make_case(name="Ada")
    note = CaseNote.objects.create(case=case, text="note text")
    stored = raw_get(CaseNote, note.pk, "text")
    assert stored[1:17] == case.data_key_id.bytes
    assert CaseNote.objects.select_related("case__data_key").get(pk=note.pk).text == "note text"


def test_flipped_byte_raises(make_case):
    case = make_case(narrative="secret")
    stored = bytearray(raw_get(Case, case.pk, "narrative"))
    stored[-5] ^= 0x01
    raw_set(Case, case.pk, "narrative", bytes(stored))
    with pytest.raises(DecryptionError, match="failed authentication"):
        _ = Case.objects.get(pk=case.pk).narrative


def test_value_swapped_to_another_row_of_the_same_case_raises(make_case):
    case = make_case(narrative="first")
    twin = Case.objects.create(data_key=case_key_create(), narrative="second")
    # Same data key, different row: only the row binding can catch it.
    Case.objects.filter(pk=twin.pk).update(data_key=twin.data_key)
    note_a = CaseNote.objects.create(case=case, text="note a")
    note_b = CaseNote.objects.create(case=case, text="note b")
    raw_set(CaseNote, note_b.pk, "text", raw_get(CaseNote, note_a.pk, "text"))
    with pytest.raises(DecryptionError, match="failed authentication"):
        _ = CaseNote.objects.get(pk=note_b.pk).text


def test_value_swapped_to_another_column_raises(make_case):
    case = make_case(name="name value", narrative="narrative value")
    raw_set(Case, case.pk, "narrative", raw_get(Case, case.pk, "name"))
    loaded = Case.objects.get(pk=case.pk)
    assert loaded.name == "name value"
    with pytest.raises(DecryptionError, match="failed authentication"):
        _ = loaded.narrative


def test_value_from_another_case_raises(make_case):
    first, second = make_case(narrative="first"), make_case(narrative="second")
    raw_set(Case, second.pk, "narrative", raw_get(Case, first.pk, "narrative"))
    with pytest.raises(DecryptionError, match="sealed under another key"):
        _ = Case.objects.get(pk=second.pk).narrative


def test_wrong_key_encryption_key_raises(make_case, settings):
    case = make_case(narrative="secret")
    settings.ENCRYPTION_KEYRING = ring("test-1", test_1=b"w" * 32)
    with pytest.raises(DecryptionError, match="failed to unwrap"):
        _ = Case.objects.get(pk=case.pk).narrative
    keyring_reset()


def test_shredded_key_raises_a_clear_error(make_case):
    case = make_case(narrative="secret", name="n")
    note = CaseNote.objects.create(case=case, text="t")
    assert case_key_shred(data_key=case.data_key) is True
    assert case_key_shred(data_key=case.data_key) is False
    with pytest.raises(KeyShredded, match="shredded"):
        _ = Case.objects.get(pk=case.pk).narrative
    with pytest.raises(KeyShredded):
        _ = CaseNote.objects.get(pk=note.pk).text


def test_stale_key_in_memory_is_refused_after_the_shred_commits(make_case, django_capture_on_commit_callbacks):
    case = make_case(narrative="secret")
    stale = Case.objects.select_related("data_key").get(pk=case.pk)
    with django_capture_on_commit_callbacks(execute=True):
        case_key_shred(data_key=case.data_key)
    with pytest.raises(KeyShredded):
        _ = stale.narrative


def test_unknown_layout_raises(make_case):
    case = make_case(narrative="secret")
    raw_set(Case, case.pk, "narrative", b"\x02" + raw_get(Case, case.pk, "narrative")[1:])
    with pytest.raises(DecryptionError, match="unknown ciphertext layout"):
        _ = Case.objects.get(pk=case.pk).narrative


def test_values_without_instances_never_show_plaintext_or_ciphertext(make_case):
    case = make_case(narrative="secret")
    value = Case.objects.filter(pk=case.pk).values_list("narrative", flat=True).get()
    assert isinstance(value, Sealed)
    assert repr(value) == "<encrypted value>"
    with pytest.raises(DecryptionError):
        str(value)


def test_update_and_lookups_are_refused(make_case):
    case = make_case(narrative="secret")
    with pytest.raises(EncryptionError, match="saving the model instance"), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(narrative="plain")
    loaded = Case.objects.get(pk=case.pk)
    loaded.narrative = "plain"
    with pytest.raises(EncryptionError, match="saving the model instance"), transaction.atomic():
        Case.objects.bulk_update([loaded], ["narrative"])
    with pytest.raises(FieldError):
        list(Case.objects.filter(narrative="secret"))
    assert Case.objects.filter(date_of_birth__isnull=True).count() == 1


def test_a_row_without_a_data_key_cannot_be_encrypted(db):
    note = CaseNote(text="orphan")
    with pytest.raises(DataKeyMissing):
        CaseNote._meta.get_field("text").pre_save(note, add=True)


def test_bulk_create_encrypts_each_row():
    cases = Case.objects.bulk_create([Case(data_key=case_key_create(), narrative=f"n{i}") for i in range(3)])
    assert sorted(c.narrative for c in Case.objects.filter(pk__in=[c.pk for c in cases])) == ["n0", "n1", "n2"]


def test_full_clean_validates_the_plaintext(make_case):
    case = make_case(name="x")
    loaded = Case.objects.get(pk=case.pk)
    loaded.name = "y" * 201
    with pytest.raises(Exception, match="at most 200"):
        loaded.full_clean()
