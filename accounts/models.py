"""Users (e-mail sign-in), local authorities, organisations and role memberships."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS


class Nation(models.TextChoices):
    """Bank holidays differ by nation; deadlines count working days in the LA's nation."""

    ENGLAND = "england", "England"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"


class Sector(models.TextChoices):
    """Sector of the referring organisation, as in the Home Office annual statistics."""

    EDUCATION = "education", "Education"
    HEALTH = "health", "Health"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    POLICE = "police", "Police"
    COMMUNITY = "community", "Community"
    FAMILY_FRIENDS = "family_friends", "Family or friends"
    PRISONS = "prisons", "Prisons"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    OTHER = "other", "Other"


class Role(models.TextChoices):
    """The nine roles of DESIGN.md ("Access"); each is held in one local authority."""

    REFERRER = "referrer", "Referrer"
    TRIAGE_OFFICER = "triage_officer", "Triage officer (MASH)"
    POLICE_PREVENT_OFFICER = "police_prevent_officer", "Police Prevent officer"
    CHANNEL_CHAIR = "channel_chair", "Channel chair"
    PANEL_MEMBER = "panel_member", "Channel panel member"
    PARTNER_CONTRIBUTOR = "partner_contributor", "Partner contributor"
    INTERVENTION_PROVIDER = "intervention_provider", "Intervention provider"
    PREVENT_LEAD = "prevent_lead", "Prevent lead"
    AUDITOR = "auditor", "Auditor"


class LocalAuthority(models.Model):
    name = models.CharField(max_length=200, unique=True)
    ons_code = models.CharField(
        "ONS code",
        max_length=9,
        unique=True,
        validators=[RegexValidator(r"^[ENSW]\d{8}$", "Enter an ONS code such as E09000007.")],
        help_text="The nine-character ONS area code, for example E09000007.",
    )
    nation = models.CharField(max_length=20, choices=Nation.choices, default=Nation.ENGLAND)
    mash_email = models.EmailField(
        "MASH inbox e-mail",
        blank=True,
        help_text="New referrals are notified here (reference and link only).",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    sector = models.CharField(max_length=30, choices=Sector.choices)
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, related_name="organisations", null=True, blank=True
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "local_authority"], name="organisation_unique_name_per_la"),
        ]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of staff or a referrer; signs in with an e-mail address."""

    email = models.EmailField("e-mail address", unique=True)
    display_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May sign in to the admin (reference data only).")
    date_joined = models.DateTimeField(default=timezone.now)
    # Every session carries a copy; rotating it signs the user out everywhere (accounts.middleware).
    session_token = models.UUIDField(default=uuid.uuid4, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    @property
    def membership(self) -> Membership | None:
        """The user's role membership, or None (a superuser or a user not yet placed)."""
        try:
            return self.membership_record
        except Membership.DoesNotExist:
            return None

    @property
    def role(self) -> str | None:
        membership = self.membership
        return membership.role if membership else None

    @property
    def local_authority_id(self) -> int | None:
        membership = self.membership
        return membership.local_authority_id if membership else None

    def has_role(self, *roles: str) -> bool:
        return self.is_active and self.role in roles


class Membership(models.Model):
    """A user's single role in a single local authority."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership_record")
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["local_authority__name", "role"]
        indexes = [models.Index(fields=["local_authority", "role"])]

    def __str__(self) -> str:
        return f"{self.get_role_display()} in {self.local_authority}"


class Invitation(models.Model):
    """A Prevent lead's invitation to a new user: one role in the lead's authority, accepted once."""

    email = models.EmailField("e-mail address")
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="invitations")
    role = models.CharField(max_length=30, choices=Role.choices)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="invitations_sent")
    # Part of the signed token: a re-sent invitation gets a new nonce, so the old link stops working.
    nonce = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.OneToOneField(
        User, on_delete=models.PROTECT, related_name="invitation", null=True, blank=True
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation {self.pk}"

    def is_usable(self, *, now=None) -> bool:
        return self.accepted_at is None and (now or timezone.now()) < self.expires_at


class ApiTokenRefusal(models.TextChoices):
    """Why a stored token was refused; the label is the API's error message."""

    EXPIRED = "EXPIRED", "This API token has expired. Ask an operator for a new one."
    REVOKED = "REVOKED", "This API token has been revoked."
    USER_INACTIVE = "USER_INACTIVE", "The account this API token belongs to is deactivated."


class ApiToken(AbstractAuthToken):
    """An API token, kept as knox's SHA-512 digest and a short lookup key: the token itself is never stored.

    Revoking keeps the row (digests only) so a later use of the revoked token is refused and audited.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"API token {self.token_key}"

    @property
    def expires_at(self) -> datetime:
        """The earlier of the expiry set when it was made and API_TOKEN_MAX_AGE_DAYS after that.

        Lowering the setting therefore shortens tokens already issued.
        """
        limit = self.created + timedelta(days=settings.API_TOKEN_MAX_AGE_DAYS)
        return min(self.expiry, limit) if self.expiry else limit

    def refusal(self, *, now: datetime) -> ApiTokenRefusal | None:
        if self.revoked_at is not None:
            return ApiTokenRefusal.REVOKED
        if now >= self.expires_at:
            return ApiTokenRefusal.EXPIRED
        if not self.user.is_active:
            return ApiTokenRefusal.USER_INACTIVE
        return None
