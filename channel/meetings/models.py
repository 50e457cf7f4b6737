"""What a panel meeting records about each case on its agenda: the minutes (encrypted), each present
member's view, and the panel's decision with the s.37 rule that made it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.models import BaseModel
from encryption.fields import EncryptedTextField

from .choices import DecisionRule, MemberView

MINUTES_MAX_LENGTH = 10000


class AgendaMinutes(BaseModel):
    """The minutes of one agenda item, encrypted with the case's key (they are about the person)."""

    encryption_key_field = "agenda_item.channel_case.referral.data_key"

    agenda_item = models.OneToOneField("channel.AgendaItem", on_delete=models.CASCADE, related_name="minutes")
    text = EncryptedTextField(max_length=MINUTES_MAX_LENGTH, blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"Minutes {self.pk}"


class PanelMemberView(models.Model):
    """One present member's view on one agenda item (a code: no free text)."""

    agenda_item = models.ForeignKey("channel.AgendaItem", on_delete=models.CASCADE, related_name="views")
    member = models.ForeignKey("channel.PanelMember", on_delete=models.PROTECT, related_name="views")
    view = models.CharField(max_length=20, choices=MemberView.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agenda_item", "member"]
        constraints = [models.UniqueConstraint(fields=["agenda_item", "member"], name="member_view_once_per_item")]

    def __str__(self) -> str:
        return f"View of member {self.member_id} on agenda item {self.agenda_item_id}"


class PanelDecision(models.Model):
    """The panel's decision on one agenda item: the view that won, the s.37 rule that decided it, the
    counts of views, and the Channel step it drove (none for "no change")."""

    agenda_item = models.OneToOneField("channel.AgendaItem", on_delete=models.PROTECT, related_name="decision")
    view = models.CharField(max_length=20, choices=MemberView.choices)
    rule = models.CharField(max_length=20, choices=DecisionRule.choices)
    views_for = models.PositiveIntegerField()
    views_total = models.PositiveIntegerField()
    channel_decision = models.OneToOneField(
        "channel.ChannelDecision", on_delete=models.PROTECT, null=True, blank=True, related_name="panel_decision"
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at"]

    def __str__(self) -> str:
        return f"Panel decision on agenda item {self.agenda_item_id}"
