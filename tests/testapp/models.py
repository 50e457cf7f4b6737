"""A case root, a child row and two wide models (encrypted vs plain) for tests and the benchmark."""

from __future__ import annotations

from django.db import models

from core.models import BaseModel
from encryption.blind_index import BlindIndexField
from encryption.fields import EncryptedCharField, EncryptedDateField, EncryptedJSONField, EncryptedTextField
from encryption.models import DataKey


class Case(BaseModel):
    encryption_key_field = "data_key"

    data_key = models.OneToOneField(DataKey, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=20, blank=True)
    name = EncryptedCharField(max_length=200, blank=True)
    narrative = EncryptedTextField(blank=True)
    date_of_birth = EncryptedDateField(null=True, blank=True)
    details = EncryptedJSONField(null=True, blank=True)
    person_index = BlindIndexField()

    def __str__(self) -> str:
        return f"Case {self.pk}"


class CaseNote(BaseModel):
    encryption_key_field = "case.data_key"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    text = EncryptedTextField()

    def __str__(self) -> str:
        return f"Note {self.pk}"


class WideEncrypted(BaseModel):
    encryption_key_field = "data_key"

    data_key = models.ForeignKey(DataKey, on_delete=models.PROTECT, related_name="+")
    f0 = EncryptedTextField()
    f1 = EncryptedTextField()
    f2 = EncryptedTextField()
    f3 = EncryptedTextField()
    f4 = EncryptedTextField()
    f5 = EncryptedTextField()
    f6 = EncryptedTextField()
    f7 = EncryptedTextField()
    f8 = EncryptedTextField()
    f9 = EncryptedTextField()

    def __str__(self) -> str:
        return f"Wide {self.pk}"


class WidePlain(BaseModel):
    data_key = models.ForeignKey(DataKey, on_delete=models.PROTECT, related_name="+")
    f0 = models.TextField()
    f1 = models.TextField()
    f2 = models.TextField()
    f3 = models.TextField()
    f4 = models.TextField()
    f5 = models.TextField()
    f6 = models.TextField()
    f7 = models.TextField()
    f8 = models.TextField()
    f9 = models.TextField()

    def __str__(self) -> str:
        return f"Plain {self.pk}"
