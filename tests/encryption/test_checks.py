"""System checks: a model with encrypted fields must say where its data key is."""

from __future__ import annotations

from django.db import models
from django.test.utils import isolate_apps

from encryption.fields import EncryptedTextField
from encryption.models import DataKey


@isolate_apps("tests.testapp")
def test_a_model_without_encryption_key_field_fails_the_check():
    class NoKey(models.Model):  # noqa: DJ008
        text = EncryptedTextField()

        class Meta:
            app_label = "testapp"

    assert [e.id for e in NoKey._meta.get_field("text").check()] == ["encryption.E001"]


@isolate_apps("tests.testapp")
def test_a_key_path_not_ending_at_a_data_key_fails_the_check():
    class WrongKey(models.Model):  # noqa: DJ008
        encryption_key_field = "other"
        other = models.CharField(max_length=5)
        text = EncryptedTextField()

        class Meta:
            app_label = "testapp"

    assert [e.id for e in WrongKey._meta.get_field("text").check()] == ["encryption.E001"]


@isolate_apps("tests.testapp")
def test_unique_encrypted_fields_fail_the_check():
    class Unique(models.Model):  # noqa: DJ008
        encryption_key_field = "data_key"
        data_key = models.ForeignKey(DataKey, on_delete=models.PROTECT, related_name="+")
        text = EncryptedTextField(unique=True)

        class Meta:
            app_label = "testapp"

    assert "encryption.E002" in [e.id for e in Unique._meta.get_field("text").check()]


def test_the_test_models_pass_every_check():
    from tests.testapp.models import Case, CaseNote, WideEncrypted

    for model in (Case, CaseNote, WideEncrypted):
        assert model.check() == []
