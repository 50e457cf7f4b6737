"""The case root (`Referral`), its state machine, and the rows appended to it after submission."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from core.models import BaseModel
from encryption.blind_index import BlindIndexField
from encryption.fields import EncryptedCharField, EncryptedDateField, EncryptedJSONField, EncryptedTextField
from encryption.models import DataKey

from . import permissions
from .choices import (
    CLOSED_STATUSES,
    COARSE_STATUS,
    BreakGlassReason,
    ClosingReason,
    CoarseStatus,
    GrantReason,
    ReferralStatus,
)
from .exceptions import StatusUpdateRefused


class ReferralQuerySet(models.QuerySet):
    """The status changes only through transitions: bulk writes of it are refused."""

    def update(self, **kwargs: object) -> int:
        if "status" in kwargs:
            raise StatusUpdateRefused("Referral.status changes only through its transitions (referrals.services).")
        return super().update(**kwargs)

    def bulk_update(self, objs: object, fields: object, batch_size: int | None = None) -> int:
        if "status" in fields:
            raise StatusUpdateRefused("Referral.status changes only through its transitions (referrals.services).")
        return super().bulk_update(objs, fields, batch_size=batch_size)


def has_closing_summary(referral: Referral) -> bool:
    return bool(referral.closing_summary and referral.closing_reason)


class Referral(ConcurrentTransitionMixin, BaseModel):
    """One Prevent referral: the root of a case; every personal field is sealed with the case's own key."""

    encryption_key_field = "data_key"

    # reference, status and person_index are only ever compared whole: their indexes are declared in Meta,
    # equality only (unique=True or db_index=True would add a LIKE index PostgreSQL keeps up on every insert).
    # NULL, not "", until submitted: unique (Meta), and every draft has none.
    reference = models.CharField(max_length=15, null=True, blank=True, editable=False)  # noqa: DJ001
    status = FSMField(choices=ReferralStatus.choices, default=ReferralStatus.DRAFT, protected=True)
    # No index of its own: referral_authority_newest (Meta) starts with this column and serves its lookups.
    local_authority = models.ForeignKey(
        "accounts.LocalAuthority", on_delete=models.PROTECT, related_name="referrals", db_index=False
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made")
    data_key = models.OneToOneField(DataKey, on_delete=models.PROTECT, related_name="+")
    referrer_sector = models.CharField(max_length=30, blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True, default="")
    submitted_at = models.DateTimeField(null=True, blank=True)
    screening_started_at = models.DateTimeField(null=True, blank=True)
    information_gathering_started_at = models.DateTimeField(null=True, blank=True)
    referred_to_channel_at = models.DateTimeField(null=True, blank=True)
    # closed_at and closing_reason are filled by the database (DEFAULT, no bound parameter), as they are empty
    # until the case closes: the referral's INSERT then binds at most 50 parameters, within what psycopg caches
    # the parsing of; past 50 it parses the statement again on every submission and draft
    # (tests/referrals/test_submit_writes.py fails if a new column pushes it over).
    closed_at = models.DateTimeField(null=True, blank=True, db_default=None)
    closing_reason = models.CharField(max_length=40, blank=True, db_default="")
    possible_repeat_count = models.PositiveIntegerField(default=0)
    # Counts the draft saves that changed an answer: check your answers shows one version, and
    # submitting refuses if another tab has saved a newer one since (referral_submit).
    answers_version = models.PositiveIntegerField(default=0)

    # The person
    given_name = EncryptedCharField(max_length=100, blank=True, default="")
    family_name = EncryptedCharField(max_length=100, blank=True, default="")
    other_names = EncryptedCharField(max_length=200, blank=True, default="")
    date_of_birth = EncryptedDateField(null=True, blank=True)
    approximate_age = EncryptedCharField(max_length=3, blank=True, default="")
    gender = EncryptedCharField(max_length=20, blank=True, default="")
    address = EncryptedTextField(max_length=500, blank=True, default="")
    postcode = EncryptedCharField(max_length=10, blank=True, default="")
    contact = EncryptedCharField(max_length=200, blank=True, default="")
    first_language = EncryptedCharField(max_length=100, blank=True, default="")
    interpreter_needed = EncryptedCharField(max_length=10, blank=True, default="")
    education_or_employer = EncryptedCharField(max_length=200, blank=True, default="")
    # Parent or carer (under-18s)
    parent_name = EncryptedCharField(max_length=200, blank=True, default="")
    parent_relationship = EncryptedCharField(max_length=100, blank=True, default="")
    parent_contact = EncryptedCharField(max_length=200, blank=True, default="")
    parent_address = EncryptedTextField(max_length=500, blank=True, default="")
    # The referrer
    referrer_name = EncryptedCharField(max_length=200, blank=True, default="")
    referrer_role = EncryptedCharField(max_length=200, blank=True, default="")
    referrer_organisation = EncryptedCharField(max_length=200, blank=True, default="")
    referrer_phone = EncryptedCharField(max_length=30, blank=True, default="")
    referrer_email = EncryptedCharField(max_length=254, blank=True, default="")
    safeguarding_lead_aware = EncryptedCharField(max_length=10, blank=True, default="")
    # The concern
    concern_description = EncryptedTextField(max_length=10000, blank=True, default="")
    concern_when = EncryptedCharField(max_length=500, blank=True, default="")
    concern_how_learned = EncryptedTextField(max_length=2000, blank=True, default="")
    concern_type = EncryptedCharField(max_length=40, blank=True, default="")
    # The id of the case's unlinked statistical record (closure.StatisticalRecord), set at submission: kept
    # encrypted so that nothing in clear links the record to the case (docs/benchmarking.md "Decision").
    statistics_record = EncryptedCharField(max_length=36, null=True, blank=True)  # noqa: DJ001 - none before it existed
    indicators = EncryptedJSONField(null=True, blank=True)
    complex_needs = EncryptedTextField(max_length=5000, blank=True, default="")
    person_aware = EncryptedCharField(max_length=10, blank=True, default="")
    other_agencies = EncryptedTextField(max_length=2000, blank=True, default="")
    immediate_risk = EncryptedCharField(max_length=10, blank=True, default="")
    # Filled by the closing transition's caller
    closing_summary = EncryptedTextField(max_length=5000, blank=True, default="")

    # The one blind index, for repeat-referral checks (a keyed HMAC of all name parts and the date of
    # birth). No index of a single name or of the date of birth: nothing needs one, and each would let
    # anyone with the database group cases by surname or birthday without the key.
    person_index = BlindIndexField(db_index=False)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="referral_reference_unique"),
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="referral_unique_idempotency_key_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(status=ReferralStatus.DRAFT) | models.Q(reference__isnull=False),
                name="referral_reference_once_submitted",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=CLOSED_STATUSES) | ~models.Q(closing_reason=""),
                name="referral_closed_has_reason",
            ),
        ]
        # The council's case list, newest first (the MASH queue): a page is read from the index, not a sort.
        indexes = [
            models.Index(fields=["local_authority", "-submitted_at", "-id"], name="referral_authority_newest"),
            models.Index(fields=["status"], name="referral_status_idx"),
            models.Index(fields=["person_index"], name="referral_person_index_idx"),
        ]

    def __str__(self) -> str:
        return self.reference or f"Draft {self.pk}"

    @property
    def coarse_status(self) -> CoarseStatus | None:
        return COARSE_STATUS.get(self.status)

    @property
    def closing_reason_label(self) -> str:
        return ClosingReason(self.closing_reason).label if self.closing_reason in ClosingReason.values else ""

    @property
    def is_draft(self) -> bool:
        return self.status == ReferralStatus.DRAFT

    # custom["writes"] names every field a transition's body sets: the services save those, the status
    # and updated_at only (update_fields), so a transition never re-encrypts nor rewrites the answers.
    # custom["recorded_in"] names the case section whose record drives the transition (the screening outcome,
    # the decision): the case page offers no bare button for it and the bare route sends people there, so
    # a case never moves on without its record. referrals knows the section's slug only, never its app.
    @transition(
        field=status,
        source=ReferralStatus.DRAFT,
        target=ReferralStatus.SUBMITTED,
        permission=permissions.can_submit,
        custom={"label": "Submit referral", "writes": ("submitted_at",)},
    )
    def submit(self) -> None:
        self.submitted_at = timezone.now()

    @transition(
        field=status,
        source=ReferralStatus.SUBMITTED,
        target=ReferralStatus.SCREENING,
        permission=permissions.can_start_screening,
        custom={"label": "Start screening", "writes": ("screening_started_at",)},
    )
    def start_screening(self) -> None:
        self.screening_started_at = timezone.now()

    @transition(
        field=status,
        source=ReferralStatus.SCREENING,
        target=ReferralStatus.INFORMATION_GATHERING,
        permission=permissions.can_start_information_gathering,
        custom={
            "label": "Start information gathering",
            "writes": ("information_gathering_started_at",),
            "recorded_in": "screening",
        },
    )
    def start_information_gathering(self) -> None:
        self.information_gathering_started_at = timezone.now()

    @transition(
        field=status,
        source=ReferralStatus.INFORMATION_GATHERING,
        target=ReferralStatus.WITH_CHANNEL,
        permission=permissions.can_refer_to_channel,
        custom={"label": "Refer to Channel", "writes": ("referred_to_channel_at",), "recorded_in": "screening"},
    )
    def refer_to_channel(self) -> None:
        self.referred_to_channel_at = timezone.now()

    @transition(
        field=status,
        source=[ReferralStatus.SCREENING, ReferralStatus.INFORMATION_GATHERING],
        target=ReferralStatus.CLOSED,
        conditions=[has_closing_summary],
        permission=permissions.can_close,
        custom={"label": "Close case", "needs_reason": True, "writes": ("closed_at",), "recorded_in": "screening"},
    )
    def close(self) -> None:
        self.closed_at = timezone.now()

    # Channel closes its own cases (not adopted, completed, withdrawn) through referral_close_from_channel;
    # "internal": never a button of the case page, whose close form offers the pre-Channel reasons only.
    @transition(
        field=status,
        source=ReferralStatus.WITH_CHANNEL,
        target=ReferralStatus.CLOSED,
        conditions=[has_closing_summary],
        permission=permissions.can_close_from_channel,
        custom={"label": "Close Channel case", "internal": True, "writes": ("closed_at",)},
    )
    def close_from_channel(self) -> None:
        self.closed_at = timezone.now()

    # Closure (the closure app drives both; referrals knows neither its models nor its services).
    # The service takes `start_transfer` itself once the package is built, after the closing committed.
    @transition(
        field=status,
        source=ReferralStatus.CLOSED,
        target=ReferralStatus.TRANSFERRING,
        permission=permissions.can_start_transfer,
        custom={"label": "Transfer to CTP", "internal": True, "writes": ()},
    )
    def start_transfer(self) -> None:
        """The package is built and on its way; the closure app records when and which."""

    # Taken when a receipt signed by CTP for this case's package is loaded or confirmed (closure section).
    @transition(
        field=status,
        source=ReferralStatus.TRANSFERRING,
        target=ReferralStatus.TRANSFERRED,
        permission=permissions.can_confirm_transfer,
        custom={"label": "Confirm the transfer receipt", "writes": (), "recorded_in": "closure"},
    )
    def confirm_transfer(self) -> None:
        """CTP acknowledged the package; the closure app keeps the receipt."""

    # Taken by the closure app's purge (the sweep after PURGE_HOLD_DAYS, or the Prevent lead), in the
    # transaction that then deletes the case: only the audit trail, a certificate and a tombstone remain.
    @transition(
        field=status,
        source=ReferralStatus.TRANSFERRED,
        target=ReferralStatus.PURGED,
        permission=permissions.can_purge,
        custom={"label": "Purge the case", "writes": (), "recorded_in": "closure"},
    )
    def purge(self) -> None:
        """The case is deleted next; the closure app writes its certificate and tombstone."""


class ReferralInformation(BaseModel):
    """Further information a referrer adds after submission: appended, never editing what was sent."""

    encryption_key_field = "referral.data_key"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="further_information")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField(max_length=5000)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Further information {self.pk}"


class ReferralAttachment(BaseModel):
    """An encrypted file of the case; its original name lives only inside the encrypted file."""

    encryption_key_field = "referral.data_key"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="attachments")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_ref = models.CharField(max_length=32, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    filename = EncryptedCharField(max_length=255)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Attachment {self.pk}"


class ReferralUserObjectPermission(UserObjectPermissionBase):
    """A per-case grant: one user may open one case until `expires_at` (django-guardian, direct foreign key).

    Written and removed only by referrals.services.grants (audited); the selectors ignore a row whose
    `expires_at` has passed, and the task `referrals.case_grants_remove_expired` deletes it.
    """

    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="user_grants")
    # A grant may open later than it is written (a panel meeting's window opens days before the meeting);
    # empty: open from the moment it is written.
    starts_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason_code = models.CharField(max_length=40)
    break_glass = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "case grant"
        ordering = ["expires_at"]

    def __str__(self) -> str:
        return f"Grant {self.pk}"

    @property
    def reason_label(self) -> str:
        """Why access was given, as people read it (a break-glass reason or a grant reason)."""
        reasons = BreakGlassReason if self.break_glass else GrantReason
        return str(dict(reasons.choices).get(self.reason_code, self.reason_code))


class ReferralGroupObjectPermission(GroupObjectPermissionBase):
    """Guardian's group rows for cases, direct foreign key. Unused: roles are memberships, not groups, and
    the visibility selector reads user grants only; it exists so guardian never falls back to generic rows."""

    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="group_grants")

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "case group permission"

    def __str__(self) -> str:
        return f"Group grant {self.pk}"


class ReferenceCounter(models.Model):
    """The last reference number used in a year (allocated by one upsert inside the submit transaction)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
