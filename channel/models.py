"""The Channel sub-lifecycle of a case (`ChannelCase`, its state machine and its recorded steps), and the
panel, its members, meetings, agenda and attendance (DOMAIN.md, journey steps 6 to 11)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Sector
from core.models import BaseModel
from encryption.fields import EncryptedTextField

from . import conditions, permissions
from .choices import ChannelStage
from .exceptions import ChannelStateUpdateRefused

S = ChannelStage


class ChannelCaseQuerySet(models.QuerySet):
    """The stage changes only through transitions: bulk writes of it are refused."""

    def update(self, **kwargs: object) -> int:
        if "state" in kwargs:
            raise ChannelStateUpdateRefused(
                "ChannelCase.state changes only through its transitions (channel.services)."
            )
        return super().update(**kwargs)

    def bulk_update(self, objs: object, fields: object, batch_size: int | None = None) -> int:
        if "state" in fields:
            raise ChannelStateUpdateRefused(
                "ChannelCase.state changes only through its transitions (channel.services)."
            )
        return super().bulk_update(objs, fields, batch_size=batch_size)


class ChannelCase(ConcurrentTransitionMixin, BaseModel):
    """A referral with the Channel panel: one per referral, opened when the referral is handed to Channel.

    Dates only here (no personal data); what was decided and why is in its ChannelDecision rows.
    """

    referral = models.OneToOneField("referrals.Referral", on_delete=models.CASCADE, related_name="channel_case")
    state = FSMField(choices=ChannelStage.choices, default=ChannelStage.LISTED, protected=True, db_index=True)
    listed_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    consent_given_on = models.DateField(null=True, blank=True)
    consent_refused_on = models.DateField(null=True, blank=True)
    reassess_on = models.DateField(null=True, blank=True)
    exited_at = models.DateTimeField(null=True, blank=True)
    six_month_review_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ChannelCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-listed_at"]

    def __str__(self) -> str:
        return f"Channel case {self.pk}"

    @property
    def case_reference(self) -> str:
        """The referral's reference: audit events about this row name the case by it."""
        return self.referral.reference or ""

    @property
    def local_authority_id(self) -> int:
        return self.referral.local_authority_id

    @property
    def is_open(self) -> bool:
        return self.state not in (S.NOT_ADOPTED, S.COMPLETED, S.WITHDRAWN)

    # custom["writes"]: every field the body (or the service, before calling it) sets; the services save
    # those, the state and updated_at only. custom["needs"]: what the step's form asks for.
    @transition(
        field=state,
        source=S.LISTED,
        target=S.AWAITING_CONSENT,
        permission=permissions.can_decide,
        custom={"label": "Adopt the case", "writes": ("decided_at",), "needs": ("note",)},
    )
    def adopt(self) -> None:
        self.decided_at = timezone.now()

    @transition(
        field=state,
        source=S.LISTED,
        target=S.NOT_ADOPTED,
        permission=permissions.can_decide,
        custom={"label": "Do not adopt", "writes": ("decided_at", "closed_at"), "needs": ("reason", "note")},
    )
    def not_adopt(self) -> None:
        self.decided_at = self.closed_at = timezone.now()

    @transition(
        field=state,
        source=S.AWAITING_CONSENT,
        target=S.SUPPORTED,
        permission=permissions.can_coordinate,
        custom={"label": "Record consent given", "writes": ("consent_given_on",), "needs": ("consent_date",)},
    )
    def record_consent_given(self) -> None:
        """The service sets consent_given_on (the date it was given) before calling."""

    @transition(
        field=state,
        source=S.AWAITING_CONSENT,
        target=S.CONSENT_REFUSED,
        permission=permissions.can_coordinate,
        custom={
            "label": "Record consent refused",
            "writes": ("consent_refused_on", "reassess_on"),
            "needs": ("consent_date", "reassess_on"),
        },
    )
    def record_consent_refused(self) -> None:
        """The service sets the refusal date and the re-assessment date (s.36) before calling."""

    @transition(
        field=state,
        source=[S.SUPPORTED, S.CONSENT_REFUSED],
        target=S.EXITED,
        permission=permissions.can_decide,
        custom={"label": "Exit the case", "writes": ("exited_at",), "needs": ("reason", "note")},
    )
    def exit(self) -> None:
        self.exited_at = timezone.now()

    @transition(
        field=state,
        source=S.EXITED,
        target=S.POST_EXIT_REVIEW,
        conditions=[conditions.six_month_review_window_open],
        permission=permissions.can_coordinate,
        custom={"label": "Record the 6-month review", "writes": ("six_month_review_at",), "needs": ("note",)},
    )
    def record_six_month_review(self) -> None:
        self.six_month_review_at = timezone.now()

    @transition(
        field=state,
        source=S.POST_EXIT_REVIEW,
        target=S.COMPLETED,
        conditions=[conditions.twelve_month_review_window_open],
        permission=permissions.can_coordinate,
        custom={"label": "Record the 12-month review and complete", "writes": ("closed_at",), "needs": ("note",)},
    )
    def complete(self) -> None:
        self.closed_at = timezone.now()

    @transition(
        field=state,
        source=[S.CONSENT_REFUSED, S.EXITED, S.POST_EXIT_REVIEW],
        target=S.LISTED,
        permission=permissions.can_decide,
        custom={
            "label": "List for the panel again",
            "writes": ("listed_at", "decided_at", "reassess_on"),
            "needs": ("reason", "note"),
        },
    )
    def relist(self) -> None:
        self.listed_at = timezone.now()
        self.decided_at = None
        self.reassess_on = None

    @transition(
        field=state,
        source=[S.LISTED, S.AWAITING_CONSENT, S.CONSENT_REFUSED, S.SUPPORTED, S.EXITED, S.POST_EXIT_REVIEW],
        target=S.WITHDRAWN,
        permission=permissions.can_withdraw,
        custom={
            "label": "Withdraw from Channel",
            "warning": True,
            "writes": ("closed_at",),
            "needs": ("reason", "note"),
        },
    )
    def withdraw(self) -> None:
        self.closed_at = timezone.now()


class ChannelDecision(BaseModel):
    """One recorded step of a Channel case: who, when, which transition, the reason code, and the note
    (encrypted with the case's key: a panel's reasons are about the person)."""

    encryption_key_field = "channel_case.referral.data_key"

    channel_case = models.ForeignKey(ChannelCase, on_delete=models.CASCADE, related_name="decisions")
    transition = models.CharField(max_length=40)
    stage_before = models.CharField(max_length=20, choices=ChannelStage.choices)
    stage_after = models.CharField(max_length=20, choices=ChannelStage.choices)
    reason_code = models.CharField(max_length=40, blank=True)
    note = EncryptedTextField(max_length=5000, blank=True, default="")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Channel decision {self.pk}"


class Panel(models.Model):
    """A council's Channel panel (CTSA 2015 s.36): the council chairs it (s.37), the police force of the
    area attends every case of its area."""

    local_authority = models.ForeignKey("accounts.LocalAuthority", on_delete=models.PROTECT, related_name="panels")
    name = models.CharField(max_length=200)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="chaired_panels"
    )
    police_force = models.CharField("Police force area", max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["local_authority", "name"], name="panel_unique_name_per_la")]

    def __str__(self) -> str:
        return self.name


class PanelMemberQuerySet(models.QuerySet):
    def current(self) -> PanelMemberQuerySet:
        """Members who have not left the panel: they reach its meetings and hold its grants."""
        return self.filter(left_on__isnull=True)

    def at_meeting(self, meeting: Meeting) -> PanelMemberQuerySet:
        """Who sat on the panel on the meeting's day: current members, those who left after it, and anyone
        whose attendance at it is on record (the record of a past meeting never loses a name)."""
        sitting = models.Q(left_on__isnull=True) | models.Q(left_on__gt=meeting.date)
        return self.filter(sitting | models.Q(attendance__meeting=meeting)).distinct()


class PanelMember(models.Model):
    """A member of a panel: the organisation they represent and its sector; `left_on` once they leave it (the
    row stays: their attendance and views are part of past meetings' records)."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_memberships")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sector = models.CharField(max_length=30, choices=Sector.choices)
    left_on = models.DateField(null=True, blank=True)

    objects = PanelMemberQuerySet.as_manager()

    class Meta:
        ordering = ["panel", "user"]
        constraints = [models.UniqueConstraint(fields=["panel", "user"], name="panel_member_once")]

    def __str__(self) -> str:
        return f"Member {self.pk} of {self.panel}"


class Meeting(models.Model):
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()

    class Meta:
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["panel", "date"], name="meeting_once_a_day")]

    def __str__(self) -> str:
        return f"{self.panel} meeting of {self.date:%-d %B %Y}"

    @property
    def local_authority_id(self) -> int:
        """The panel's council: audit events about the meeting belong to it."""
        return self.panel.local_authority_id


class AgendaItem(models.Model):
    """A case on a meeting's agenda, in the order the chair sets."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    channel_case = models.ForeignKey(ChannelCase, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "channel_case"], name="agenda_case_once"),
            models.UniqueConstraint(fields=["meeting", "order"], name="agenda_order_once"),
        ]

    def __str__(self) -> str:
        return f"Agenda item {self.order} of meeting {self.meeting_id}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(PanelMember, on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(max_length=20, choices=AttendanceStatus.choices)

    class Meta:
        ordering = ["meeting", "member"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once_per_member")]

    def __str__(self) -> str:
        return f"Attendance of member {self.member_id} at meeting {self.meeting_id}"


# The meeting's records of each agenda item (channel/meetings): models of this app, kept in their subpackage.
from .meetings.models import AgendaMinutes, PanelDecision, PanelMemberView  # noqa: E402

# Channel support (channel/support): the VAF, consent, the support plan, post-exit reviews. Their
# migrations are channel's.
from .support.models import (  # noqa: E402
    ChannelConsent,
    Intervention,
    InterventionGroupObjectPermission,
    InterventionSession,
    InterventionType,
    InterventionUserObjectPermission,
    PostExitReview,
    SupportReminder,
    VAFAssessment,
    VAFCatalogue,
    VAFFactor,
    VAFFactorRating,
)

__all__ = [
    "AgendaItem",
    "AgendaMinutes",
    "Attendance",
    "AttendanceStatus",
    "ChannelCase",
    "ChannelConsent",
    "ChannelDecision",
    "Intervention",
    "InterventionGroupObjectPermission",
    "InterventionSession",
    "InterventionType",
    "InterventionUserObjectPermission",
    "Meeting",
    "Panel",
    "PanelDecision",
    "PanelMember",
    "PanelMemberView",
    "PostExitReview",
    "SupportReminder",
    "VAFAssessment",
    "VAFCatalogue",
    "VAFFactor",
    "VAFFactorRating",
]
