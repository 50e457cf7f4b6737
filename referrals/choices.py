"""Answer choices of the national Prevent referral form (labels are data; statistics read the codes)."""

from __future__ import annotations

from django.db import models


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    SCREENING = "screening", "Screening"
    INFORMATION_GATHERING = "information_gathering", "Information gathering"
    WITH_CHANNEL = "with_channel", "With Channel"
    CLOSED = "closed", "Closed"
    # Closure (closure app): the record is on its way to Counter Terrorism Policing, then held by them.
    TRANSFERRING = "transferring", "Closed, transferring to CTP"
    TRANSFERRED = "transferred", "Closed, transferred to CTP"
    # Held for the moment of the purge only: the row is deleted in the same transaction (closure app).
    PURGED = "purged", "Closed, purged"


class CoarseStatus(models.TextChoices):
    """What a referrer is told: feedback is not always possible (DOMAIN.md)."""

    RECEIVED = "received", "Received"
    BEING_ASSESSED = "being_assessed", "Being assessed"
    CLOSED = "closed", "Closed"


COARSE_STATUS = {
    ReferralStatus.SUBMITTED: CoarseStatus.RECEIVED,
    ReferralStatus.SCREENING: CoarseStatus.BEING_ASSESSED,
    ReferralStatus.INFORMATION_GATHERING: CoarseStatus.BEING_ASSESSED,
    ReferralStatus.WITH_CHANNEL: CoarseStatus.BEING_ASSESSED,
    ReferralStatus.CLOSED: CoarseStatus.CLOSED,
    ReferralStatus.TRANSFERRING: CoarseStatus.CLOSED,
    ReferralStatus.TRANSFERRED: CoarseStatus.CLOSED,
    ReferralStatus.PURGED: CoarseStatus.CLOSED,
}
# The stages after closing: the closing summary stays, and the Channel chair reads until transferred.
CLOSED_STATUSES = (ReferralStatus.CLOSED, ReferralStatus.TRANSFERRING, ReferralStatus.TRANSFERRED)


class ClosingReason(models.TextChoices):
    NFA_NO_CONCERN = "NFA_NO_CONCERN", "No further action: no radicalisation concern"
    NFA_SIGNPOSTED = "NFA_SIGNPOSTED", "Signposted to other services"
    POLICE_LED = "POLICE_LED", "Police-led partnership"
    NFA_INSUFFICIENT = "NFA_INSUFFICIENT", "Not suitable for Channel after information gathering"
    # A case with Channel closes for one of these three only, through referral_close_from_channel.
    CHANNEL_NOT_ADOPTED = "CHANNEL_NOT_ADOPTED", "Not adopted by the Channel panel"
    CHANNEL_COMPLETED = "CHANNEL_COMPLETED", "Channel support completed, post-exit reviews done"
    CHANNEL_WITHDRAWN = "CHANNEL_WITHDRAWN", "Withdrawn from Channel"


# Closing before Channel (screening, information gathering) and closing from Channel use separate lists:
# the close form offers the first, the Channel app's closing routes set the second.
CHANNEL_CLOSING_REASONS = (
    ClosingReason.CHANNEL_NOT_ADOPTED,
    ClosingReason.CHANNEL_COMPLETED,
    ClosingReason.CHANNEL_WITHDRAWN,
)
PRE_CHANNEL_CLOSING_REASONS = tuple(reason for reason in ClosingReason if reason not in CHANNEL_CLOSING_REASONS)


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Another gender"
    UNKNOWN = "unknown", "Not known"


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not sure"


class ConcernType(models.TextChoices):
    """Home Office categories; the referrer may suggest one, assessors classify."""

    ISLAMIST = "islamist", "Islamist"
    EXTREME_RIGHT_WING = "extreme_right_wing", "Extreme right-wing"
    LEFT_WING_ANARCHIST_SINGLE_ISSUE = "left_wing_single_issue", "Left-wing, anarchist or single-issue"
    CONFLICTED = "conflicted", "Conflicted"
    NO_IDEOLOGY = "no_ideology", "Vulnerability present but no ideology or CT risk"
    SCHOOL_MASSACRE = "school_massacre", "School massacre"
    INCEL = "incel", "Incel"
    OTHER = "other", "Other"
    UNSURE = "unsure", "Not sure"


class Indicator(models.TextChoices):
    CONCERNING_GROUPS = "concerning_groups", "Contact with concerning groups or people"
    ONLINE_ACTIVITY = "online_activity", "Concerning online activity"
    WISH_TO_HARM = "wish_to_harm", "Expressed a wish to cause harm, or threats"
    INTEREST_IN_EXTREMISM = "interest_in_extremism", "Interest in extremism, terrorism or mass violence"
    TRAVEL = "travel", "Travel plans to a conflict zone"
    OTHER = "other", "Something else"


class GrantReason(models.TextChoices):
    """Why one named user may open one case for a while (a per-case grant)."""

    PANEL_MEETING = "PANEL_MEETING", "On the agenda of a Channel panel meeting"
    INFORMATION_REQUEST = "INFORMATION_REQUEST", "Answering an information request"
    CASE_CONSULTATION = "CASE_CONSULTATION", "Consulted on the case"


class GrantEndReason(models.TextChoices):
    """Why a grant ended before its expiry without anyone revoking it: its holder changed (ACCESS.md)."""

    ROLE_CHANGED = "ROLE_CHANGED", "The holder's role changed"
    AUTHORITY_CHANGED = "AUTHORITY_CHANGED", "The holder moved to another local authority"
    ACCOUNT_DEACTIVATED = "ACCOUNT_DEACTIVATED", "The holder's account was deactivated"


class BreakGlassReason(models.TextChoices):
    """Why a Prevent lead must open a case of another local authority now."""

    IMMEDIATE_RISK = "IMMEDIATE_RISK", "Immediate risk of harm"
    CROSS_BORDER_MOVE = "CROSS_BORDER_MOVE", "The person has moved into our area"
    COVER_FOR_ABSENT_LEAD = "COVER_FOR_ABSENT_LEAD", "Covering for the authority's absent Prevent lead"
    SAFEGUARDING_EMERGENCY = "SAFEGUARDING_EMERGENCY", "Safeguarding emergency out of hours"
