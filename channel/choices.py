"""The Channel stages and the reasons people choose from (labels are what people read; codes are for statistics)."""

from __future__ import annotations

from django.db import models


class ChannelStage(models.TextChoices):
    LISTED = "listed", "Listed for the panel"
    NOT_ADOPTED = "not_adopted", "Not adopted"
    AWAITING_CONSENT = "awaiting_consent", "Adopted, awaiting consent"
    CONSENT_REFUSED = "consent_refused", "Consent refused, re-assessment due"
    SUPPORTED = "supported", "Supported"
    EXITED = "exited", "Exited"
    POST_EXIT_REVIEW = "post_exit_review", "Post-exit reviews"
    COMPLETED = "completed", "Completed"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The stages that end a Channel case (and close the referral).
CLOSED_STAGES = (ChannelStage.NOT_ADOPTED, ChannelStage.COMPLETED, ChannelStage.WITHDRAWN)
OPEN_STAGES = tuple(stage for stage in ChannelStage if stage not in CLOSED_STAGES)


class NotAdoptedReason(models.TextChoices):
    """CTSA 2015 s.36: a panel that offers no support considers a referral to health or social care."""

    SIGNPOSTED_HEALTH = "SIGNPOSTED_HEALTH", "Not adopted: signposted to health services"
    SIGNPOSTED_CHILDREN = "SIGNPOSTED_CHILDREN", "Not adopted: signposted to children's social care"
    SIGNPOSTED_ADULTS = "SIGNPOSTED_ADULTS", "Not adopted: signposted to adults' social care"
    SIGNPOSTED_OTHER = "SIGNPOSTED_OTHER", "Not adopted: signposted to another service"
    NO_VULNERABILITY = "NO_VULNERABILITY", "Not adopted: no vulnerability to radicalisation found"


class ExitReason(models.TextChoices):
    VULNERABILITY_REDUCED = "VULNERABILITY_REDUCED", "Vulnerability removed or significantly reduced"
    CONSENT_NOT_GIVEN = "CONSENT_NOT_GIVEN", "Consent not given after re-assessment"
    OTHER_SUPPORT = "OTHER_SUPPORT", "Needs now met by other support"


class RelistReason(models.TextChoices):
    REASSESSED_AFTER_REFUSAL = "REASSESSED_AFTER_REFUSAL", "Re-assessed after consent was refused"
    RISK_ROSE_AFTER_EXIT = "RISK_ROSE_AFTER_EXIT", "Risk rose after exit"


class WithdrawalReason(models.TextChoices):
    CONSENT_WITHDRAWN = "CONSENT_WITHDRAWN", "Consent withdrawn during support"
    MOVED_AREA = "MOVED_AREA", "The person moved out of the area"
    POLICE_LED = "POLICE_LED", "Taken on as a police-led case"
    OTHER_SERVICE = "OTHER_SERVICE", "Better met by another service"


ALL_REASONS = (NotAdoptedReason, ExitReason, RelistReason, WithdrawalReason)
