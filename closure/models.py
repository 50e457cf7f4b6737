"""The transfer of a closed case to Counter Terrorism Policing: its package, delivery and receipt.

One `Transfer` per referral, written in the closing transaction (closure.receivers). The package is
already encrypted to CTP's public key when it is stored here, so this service cannot read it back; the
receipt is CTP's signed acknowledgement of the package's SHA-256 (docs/transfer-package.md).
Purge, its certificate and the statistical tombstone come in a later slice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.models import BaseModel


class TransferStage(models.TextChoices):
    DUE = "due", "Package to be built"
    BUILT = "built", "Package built, awaiting delivery"
    DELIVERED = "delivered", "Delivered, receipt awaited"
    ACKNOWLEDGED = "acknowledged", "Receipt received"


class Transfer(BaseModel):
    """The hand-over of one closed case to CTP. No personal data: ids, hashes, dates and the sealed package."""

    referral = models.OneToOneField("referrals.Referral", on_delete=models.CASCADE, related_name="transfer")
    stage = models.CharField(max_length=20, choices=TransferStage.choices, default=TransferStage.DUE)
    # The package's own id (inside it and in its receipt), fixed when the transfer is recorded.
    package_id = models.UUIDField(unique=True)
    format_version = models.PositiveSmallIntegerField(default=1)
    # The sealed package (encrypted to CTP_PUBLIC_KEY): this service holds no key that opens it.
    package = models.BinaryField(null=True, blank=True, editable=False)
    package_sha256 = models.CharField(max_length=64, blank=True)
    package_size = models.PositiveBigIntegerField(default=0)
    built_at = models.DateTimeField(null=True, blank=True)
    transport = models.CharField(max_length=20, blank=True)
    delivery_attempts = models.PositiveIntegerField(default=0)
    # The exception's class name only: a message may quote a path or an address.
    last_error = models.CharField(max_length=100, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    receipt_id = models.UUIDField(null=True, blank=True)
    # The receipt as CTP signed it (ids, hash, date and signature: no personal data), kept as evidence.
    receipt = models.TextField(blank=True)
    receipt_received_at = models.DateTimeField(null=True, blank=True)
    receipt_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["stage"], name="closure_transfer_stage_idx")]

    def __str__(self) -> str:
        return f"Transfer {self.pk}"

    @property
    def case_reference(self) -> str:
        """Audit events about this row name the case by its reference."""
        return self.referral.reference or ""

    @property
    def local_authority_id(self) -> int:
        return self.referral.local_authority_id

    @property
    def awaiting_receipt(self) -> bool:
        return self.stage in (TransferStage.BUILT, TransferStage.DELIVERED)
