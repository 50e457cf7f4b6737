"""The transfer of a closed case to Counter Terrorism Policing: its package, delivery and receipt.

One `Transfer` per referral, written in the closing transaction (closure.receivers). The package is
already encrypted to CTP's public key when it is stored here, so this service cannot read it back; the
receipt is CTP's signed acknowledgement of the package's SHA-256 (docs/transfer-package.md).
After the receipt and PURGE_HOLD_DAYS the case is purged: a `PurgeCertificate` and a `Tombstone` remain.
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
    # When the Prevent lead was told the case is closed but not transferred (TRANSFER_ALERT_DAYS): once.
    alerted_at = models.DateTimeField(null=True, blank=True)

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


class PurgeCertificate(BaseModel):
    """What remains of a purged case for its council: the proof that it was handed over and deleted.

    No personal data: the reference, dates, counts per table, the package's hash and CTP's receipt id, who
    or what authorised the purge, and this service's Ed25519 signature over all of it (closure.certificate).
    The referrer's user id is kept so that "my referrals" can still answer "closed" for the reference.
    """

    reference = models.CharField(max_length=15, unique=True)
    # The case root's primary key (a random UUID, in the audit trail too): verify_purge looks for it everywhere.
    case_id = models.UUIDField(unique=True)
    data_key_id = models.UUIDField()
    local_authority = models.ForeignKey("accounts.LocalAuthority", on_delete=models.PROTECT, related_name="+")
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    receipt_received_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField()
    package_id = models.UUIDField()
    package_sha256 = models.CharField(max_length=64)
    receipt_id = models.UUIDField()
    # {"app_label.Model": rows deleted}, and the number of stored files deleted.
    rows_deleted = models.JSONField(default=dict)
    files_deleted = models.PositiveIntegerField(default=0)
    # The case's stored files (their random storage names: no content, no file name), unlinked once the
    # purge has committed; files_removed_at stays empty until they are all gone (a crash: the sweep finishes).
    file_refs = models.JSONField(default=list, blank=True)
    files_removed_at = models.DateTimeField(null=True, blank=True)
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # "prevent_lead" (a person, authorised_by) or "schedule" (the sweep, after the hold period).
    authorised_via = models.CharField(max_length=20)
    signing_key_id = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ["-purged_at"]

    def __str__(self) -> str:
        return f"Purge certificate {self.reference}"

    @property
    def case_reference(self) -> str:
        return self.reference

    @property
    def rows_total(self) -> int:
        return sum(self.rows_deleted.values())


class Tombstone(BaseModel):
    """The statistical trace of a purged case: no identifier, no reference, nothing that links back to it.

    Its own random id and coarse facts only (closure.statistics), enough for the Home Office statistics.
    Its created_at is set back to the midnight of the purge's day, so that it cannot be paired with the certificate.
    """

    referral_month = models.DateField()  # the first day of the month of referral
    local_authority = models.ForeignKey("accounts.LocalAuthority", on_delete=models.PROTECT, related_name="+")
    referrer_sector = models.CharField(max_length=30, blank=True)
    age_band = models.CharField(max_length=20, blank=True)  # "41_and_over" is 11 characters
    gender = models.CharField(max_length=20, blank=True)
    concern_type = models.CharField(max_length=40, blank=True)
    route = models.CharField(max_length=30, blank=True)  # "information_gathering" is 21 characters
    outcome = models.CharField(max_length=40, blank=True)
    # Working days (Monday to Friday) from submission to each stage reached; None for a stage never reached.
    days_to_screening = models.PositiveIntegerField(null=True, blank=True)
    days_to_information_gathering = models.PositiveIntegerField(null=True, blank=True)
    days_to_channel = models.PositiveIntegerField(null=True, blank=True)
    days_to_closure = models.PositiveIntegerField(null=True, blank=True)
    consent_given = models.BooleanField(null=True, blank=True)
    # The panel adopted the case (even if it was withdrawn later); None: written before this was recorded.
    adopted = models.BooleanField(null=True, blank=True)
    days_to_adoption = models.PositiveIntegerField(null=True, blank=True)
    days_to_exit = models.PositiveIntegerField(null=True, blank=True)
    # Counts of the case's information requests and interventions by how they went (closure.activity): no
    # dates, no partner, no person; empty when there were none (or for tombstones written before).
    activity = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["referral_month"]

    def __str__(self) -> str:
        return f"Tombstone {self.pk}"


class StatisticalRecord(models.Model):
    """A live case's coarse answers for the statistics (age band, gender, type of concern), unlinked from it.

    Written when the case is submitted, under a random id that only the case's encrypted data holds
    (Referral.statistics_record); the purge, which opens that data anyway, deletes it when it writes the
    tombstone. No key to the case, no reference, no time finer than the month: from clear columns, a record
    cannot be told apart from the other records of its council and month (docs/benchmarking.md "Decision").
    """

    id = models.UUIDField(primary_key=True, editable=False)
    local_authority = models.ForeignKey("accounts.LocalAuthority", on_delete=models.PROTECT, related_name="+")
    referral_month = models.DateField()  # the first day of the month of submission
    age_band = models.CharField(max_length=20, blank=True)  # "41_and_over" is 11 characters
    gender = models.CharField(max_length=20, blank=True)
    concern_type = models.CharField(max_length=40, blank=True)

    class Meta:
        indexes = [models.Index(fields=["local_authority", "referral_month"], name="closure_statrecord_month_idx")]

    def __str__(self) -> str:
        return f"Statistical record {self.pk}"
