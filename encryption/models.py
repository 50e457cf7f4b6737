"""Per-case data keys, stored only wrapped by a key-encryption key (KEK) of the key ring."""

from __future__ import annotations

from django.db import models

from core.models import BaseModel


class DataKey(BaseModel):
    # Empty once shredded: the row stays so that a later read can say "shredded", not "missing".
    kek_id = models.CharField(max_length=64, blank=True)
    wrapped_key = models.BinaryField(null=True, editable=False)
    shredded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # kek_id is only compared whole (rotation counts and rewraps by KEK): an equality index, no LIKE index.
        indexes = [models.Index(fields=["kek_id"], name="datakey_kek_idx")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(shredded_at__isnull=True, wrapped_key__isnull=False)
                    | models.Q(shredded_at__isnull=False, wrapped_key__isnull=True)
                ),
                name="encryption_datakey_wrapped_xor_shredded",
            ),
        ]

    def __str__(self) -> str:
        state = "shredded" if self.shredded_at else f"kek {self.kek_id}"
        return f"Data key {self.pk} ({state})"
