"""The words of a panel meeting: members' views under s.37 and the rule that decided."""

from __future__ import annotations

from django.db import models

from channel.choices import ChannelStage


class MemberView(models.TextChoices):
    """What a present member thinks the panel should do with a case on the agenda (CTSA 2015 s.37)."""

    ADOPT = "adopt", "Adopt the case"
    NOT_ADOPT = "not_adopt", "Do not adopt, and signpost"
    EXIT = "exit", "Exit the case from Channel support"
    RELIST = "relist", "List for the panel again"
    CONTINUE = "continue", "No change: keep the case at its stage"


class DecisionRule(models.TextChoices):
    """s.37: the panel decides by the members' unanimous view, else the majority, else the chair decides."""

    UNANIMOUS = "unanimous", "Unanimous view of the members present"
    MAJORITY = "majority", "Majority view of the members present"
    CHAIR = "chair", "Members split: the chair decided"


# The views a member may take, by the case's Channel stage (the ChannelCase transitions from that stage).
VIEWS_BY_STAGE: dict[str, tuple[str, ...]] = {
    ChannelStage.LISTED: (MemberView.ADOPT, MemberView.NOT_ADOPT),
    ChannelStage.AWAITING_CONSENT: (MemberView.CONTINUE,),
    ChannelStage.SUPPORTED: (MemberView.CONTINUE, MemberView.EXIT),
    ChannelStage.CONSENT_REFUSED: (MemberView.CONTINUE, MemberView.EXIT, MemberView.RELIST),
    ChannelStage.EXITED: (MemberView.CONTINUE, MemberView.RELIST),
    ChannelStage.POST_EXIT_REVIEW: (MemberView.CONTINUE, MemberView.RELIST),
}
# The stages a chair may put on an agenda: every open stage. Issue 14 names listed, awaiting consent and
# supported; a case whose consent was refused, or one after exit, comes back to the panel to be exited or
# re-listed, and those are panel decisions (ACCESS.md: only with quorum), so they need a meeting too.
AGENDA_STAGES = tuple(VIEWS_BY_STAGE)
# A decided view -> the ChannelCase transition it drives (CONTINUE changes nothing).
VIEW_TRANSITIONS = {
    MemberView.ADOPT: "adopt",
    MemberView.NOT_ADOPT: "not_adopt",
    MemberView.EXIT: "exit",
    MemberView.RELIST: "relist",
}

# Audit details codes, as the audit pages read them (registered in ChannelConfig.ready()).
AGENDA_CHANGES = (
    ("added", "added to the agenda"),
    ("removed", "removed from the agenda"),
    ("moved_up", "moved up the agenda"),
    ("moved_down", "moved down the agenda"),
)
REFUSAL_REASONS = (
    ("date_in_past", "the date was in the past"),
    ("date_taken", "the panel already meets that day"),
    ("no_date", "no date was given"),
    ("meeting_held", "the meeting had been held"),
    ("no_quorum", "no quorum"),
    ("no_views", "no member's view was recorded"),
    ("split_without_chair", "the members were split and the chair gave no view"),
)
