"""Encrypted model fields, declared like ordinary fields, each value sealed with its case's data key.

A model says where its data key is with a class attribute naming a foreign key (or
one-to-one) to `encryption.DataKey`, directly or through related objects::

    class Referral(BaseModel):
        encryption_key_field = "data_key"
        data_key = models.OneToOneField(DataKey, on_delete=models.PROTECT, related_name="+")
        first_name = EncryptedCharField(max_length=100)
        date_of_birth = EncryptedDateField(null=True)

    class CaseNote(BaseModel):
        encryption_key_field = "referral.data_key"  # child rows use the root's key
        referral = models.ForeignKey(Referral, on_delete=models.CASCADE)
        text = EncryptedTextField()

Values are encrypted in `pre_save` (the row's UUID key exists before the first save)
and decrypted lazily, on first attribute access, with the instance at hand. Stored layout
(binary column): `version(1)=0x01 | data key id(16) | nonce(12) | ciphertext | tag(16)`.
Associated data: `"prevent-field-v1" | db_table | column | row pk | version | key id`, so a
value copied to another row or column, or under another key, fails to decrypt. Every
failure raises `DecryptionError` (or `KeyShredded`); there is no fallback value. Encrypted
columns support no lookups except `isnull`; search through a blind index instead.
Writes go through `Model.save()` or `bulk_create()`; `update()` and `bulk_update()` refuse.
For lists of child rows, `select_related` the path to the data key to avoid a query per row.
"""

from __future__ import annotations

import datetime
import json
import uuid
from functools import cached_property
from os import urandom
from typing import Any

from cryptography.exceptions import InvalidTag
from django import forms
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, ObjectDoesNotExist
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from .datakeys import FIELD_VERSION, CaseKey, case_key
from .exceptions import DataKeyMissing, DecryptionError, EncryptionError
from .models import DataKey
from .scope import current as scope_current

_VERSION_BYTE = FIELD_VERSION
_HEADER = 17  # version + data key id
_NONCE_END = _HEADER + 12
_MIN_LENGTH = _NONCE_END + 16


class Sealed:
    """A ciphertext as loaded from the database, decrypted only when its row is at hand."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __repr__(self) -> str:
        return "<encrypted value>"

    def __str__(self) -> str:
        # values()/values_list() have no row to decrypt with: refuse rather than show ciphertext.
        raise DecryptionError("An encrypted value was read without its model instance; load instances to decrypt.")


class _EncryptedAttribute(DeferredAttribute):
    """Data descriptor: returns plaintext, decrypting a loaded ciphertext once per instance."""

    def __get__(self, instance: models.Model | None, cls: type | None = None) -> Any:
        if instance is None:
            return self
        field = self.field
        try:
            value = instance.__dict__[field.attname]
        except KeyError:
            value = super().__get__(instance, cls)
        if value.__class__ is Sealed:
            value = field.decode(field.open_sealed(instance, value.data))
            instance.__dict__[field.attname] = value
        return value

    def __set__(self, instance: models.Model, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedFieldMixin:
    """Storage, encryption and lookup rules shared by every encrypted field."""

    descriptor_class = _EncryptedAttribute
    encrypted = True

    def encode(self, value: Any) -> bytes:
        raise NotImplementedError

    def decode(self, data: bytes) -> Any:
        raise NotImplementedError

    def get_internal_type(self) -> str:
        return "BinaryField"

    def db_parameters(self, connection: Any) -> dict:
        # Binary column whatever the plaintext type: no collation, no length.
        return {"type": connection.data_types["BinaryField"], "check": None}

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Sealed | None:
        if value is None:
            return None
        return Sealed(value if value.__class__ is bytes else bytes(value))

    def get_prep_value(self, value: Any) -> Any:
        return value

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:  # noqa: FBT001, FBT002
        if value is None:
            return None
        if value.__class__ is Sealed:
            return value.data
        raise EncryptionError(
            f"{self._label} is encrypted per row: write it by saving the model instance, not update() or a lookup."
        )

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        # Both drivers take bytes for binary columns; skipping Field's expression probe keeps writes cheap.
        return value.data if value.__class__ is Sealed else self.get_db_prep_value(value, connection)

    def pre_save(self, model_instance: models.Model, add: bool) -> Sealed | None:  # noqa: FBT001
        value = model_instance.__dict__.get(self.attname)
        if value is None or value.__class__ is Sealed:
            # Not yet decrypted or deferred: the descriptor opens (and so verifies) it first.
            value = getattr(model_instance, self.attname)
        if value is None:
            return None
        return Sealed(self.seal(model_instance, self.encode(value)))

    def get_lookup(self, lookup_name: str) -> Any:
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def get_transform(self, name: str) -> Any:
        return None

    def contribute_to_class(self, cls: type[models.Model], name: str, private_only: bool = False) -> None:  # noqa: FBT001, FBT002
        # Skips DateField's get_next_by_* helpers, which would order rows by ciphertext.
        models.Field.contribute_to_class(self, cls, name, private_only=private_only)

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        if self.unique or self.db_index or self.primary_key:
            errors.append(
                checks.Error(
                    f"{self._label}: encrypted fields cannot be unique or indexed.", obj=self, id="encryption.E002"
                )
            )
        if not self.model._meta.abstract:
            try:
                _ = self._key_path
            except ImproperlyConfigured as exc:
                errors.append(checks.Error(str(exc), obj=self, id="encryption.E001"))
        return errors

    @cached_property
    def _label(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    @cached_property
    def _aad_prefix(self) -> bytes:
        return b"\x00".join([b"prevent-field-v1", self.model._meta.db_table.encode(), self.column.encode(), b""])

    @cached_property
    def _pk_attname(self) -> str:
        # The defining model's key: also present on instances of multi-table subclasses, so the binding holds.
        return self.model._meta.pk.attname

    @cached_property
    def _key_path(self) -> tuple[tuple[str, ...], str, models.ForeignKey]:
        path = getattr(self.model, "encryption_key_field", None)
        if not path:
            raise ImproperlyConfigured(f'{self.model._meta.label} needs `encryption_key_field = "<fk to DataKey>"`.')
        parts = path.split(".")
        model = self.model
        try:
            for part in parts[:-1]:
                model = model._meta.get_field(part).related_model
            last = model._meta.get_field(parts[-1])
        except (FieldDoesNotExist, AttributeError) as exc:
            raise ImproperlyConfigured(
                f"{self.model._meta.label}.encryption_key_field {path!r} does not resolve."
            ) from exc
        if getattr(last, "related_model", None) is not DataKey:
            raise ImproperlyConfigured(f"{self.model._meta.label}.encryption_key_field must end at a key to DataKey.")
        return tuple(parts[:-1]), last.attname, last

    def _row(self, instance: models.Model) -> tuple[CaseKey, bytes]:
        """Return the row's case key and the start of its associated data (table, column, row)."""
        # Hot path (every read and write): instance dicts and the scope cache, the database only on a miss.
        hops, attname, key_field = self._key_path
        holder = self._walk(instance, hops) if hops else instance
        data_key_id = holder.__dict__.get(attname) or getattr(holder, attname)
        if data_key_id.__class__ is not uuid.UUID:
            if data_key_id is None:
                raise DataKeyMissing(f"{self._label}: row {instance.pk} has no data key.")
            data_key_id = uuid.UUID(str(data_key_id))
        pk = instance.__dict__.get(self._pk_attname)
        if pk.__class__ is not uuid.UUID:
            if pk is None:
                raise EncryptionError(f"{self._label}: the row needs its primary key before encryption.")
            row = self._aad_prefix + str(pk).encode()
        else:
            row = self._aad_prefix + pk.int.to_bytes(16, "big")
        cache = scope_current()
        key = None if cache is None else cache.get(data_key_id.int)
        if key is None:
            # The holder's DataKey if it is loaded already (select_related, or just created): no second read.
            key = case_key(data_key_id, data_key=key_field.get_cached_value(holder, default=None))
        return key, row

    def _walk(self, instance: models.Model, hops: tuple[str, ...]) -> models.Model:
        holder = instance
        for hop in hops:
            try:
                holder = getattr(holder, hop)
            except ObjectDoesNotExist:
                holder = None
            if holder is None:
                raise DataKeyMissing(f"{self._label}: row {instance.pk} has no {hop} to take its data key from.")
        return holder

    def seal(self, instance: models.Model, plaintext: bytes) -> bytes:
        """Return the stored bytes for a plaintext of this field in this row."""
        key, row = self._row(instance)
        header = key.header
        nonce = urandom(12)
        return header + nonce + key.aead.encrypt(nonce, plaintext, row + header)

    def open_sealed(self, instance: models.Model, data: bytes) -> bytes:
        """Return the plaintext bytes of a stored value, or raise: never a stand-in."""
        key, row = self._row(instance)
        header = key.header
        if data[:_HEADER] != header or len(data) < _MIN_LENGTH:
            cause = "an unknown ciphertext layout" if data[:1] != _VERSION_BYTE else "a value sealed under another key"
            raise DecryptionError(f"{self._label}: row {instance.pk} holds {cause}.")
        try:
            return key.aead.decrypt(data[_HEADER:_NONCE_END], data[_NONCE_END:], row + header)
        except InvalidTag:
            raise DecryptionError(
                f"{self._label}: row {instance.pk} failed authentication (altered, moved or wrong key)."
            ) from None


class _TextCodec:
    def encode(self, value: Any) -> bytes:
        try:
            return (value if value.__class__ is str else self.to_python(value)).encode("utf-8")
        except UnicodeEncodeError:
            raise EncryptionError(f"{self._label}: the value is not encodable Unicode.") from None

    def decode(self, data: bytes) -> str:
        return data.decode("utf-8")


class EncryptedTextField(_TextCodec, EncryptedFieldMixin, models.TextField):
    """Long text (narratives, notes), encrypted."""


class EncryptedCharField(_TextCodec, EncryptedFieldMixin, models.CharField):
    """Short text (names, phone numbers); max_length validates the plaintext only."""


class EncryptedDateField(EncryptedFieldMixin, models.DateField):
    """A date (date of birth), encrypted as its ISO form."""

    def encode(self, value: Any) -> bytes:
        return self.to_python(value).isoformat().encode("ascii")

    def decode(self, data: bytes) -> datetime.date:
        return datetime.date.fromisoformat(data.decode("ascii"))


class EncryptedJSONField(EncryptedFieldMixin, models.Field):
    """Any JSON-serialisable value, encrypted as compact UTF-8 JSON."""

    def __init__(self, *args: Any, encoder: type[json.JSONEncoder] | None = None, **kwargs: Any) -> None:
        self.encoder = encoder
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple:
        name, path, args, kwargs = super().deconstruct()
        if self.encoder is not None:
            kwargs["encoder"] = self.encoder
        return name, path, args, kwargs

    @cached_property
    def _json_encoder(self) -> json.JSONEncoder:
        # One encoder per field, made once: json.dumps() with options builds a new one on every call.
        return (self.encoder or json.JSONEncoder)(ensure_ascii=False, separators=(",", ":"))

    def encode(self, value: Any) -> bytes:
        return self._json_encoder.encode(value).encode("utf-8")

    def decode(self, data: bytes) -> Any:
        return json.loads(data)

    def formfield(self, **kwargs: Any) -> forms.Field:
        return super().formfield(**{"form_class": forms.JSONField, "encoder": self.encoder, **kwargs})
