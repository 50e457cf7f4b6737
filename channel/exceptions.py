"""Domain errors of the Channel lifecycle (permission refusals reuse referrals.exceptions.TransitionRefused)."""

from __future__ import annotations


class ChannelInvalid(ValueError):
    """A Channel step's input is missing or malformed; `errors` maps field names to GOV.UK-voice messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("The Channel step is incomplete or invalid.")
        self.errors = errors


class ChannelStateUpdateRefused(RuntimeError):
    """Someone tried to change ChannelCase.state outside a transition."""


class PostExitReviewNotOpen(ChannelInvalid):
    """A post-exit review asked for before its window opens (or the 12-month one before the 6-month one); the
    message names the day it can be recorded from. The refusal is audited before this is raised."""

    def __init__(self, message: str) -> None:
        super().__init__({"__all__": [message]})
        self.message = message

    def __str__(self) -> str:
        return self.message


class PostExitReviewNeedsOutcome(ChannelInvalid):
    """A post-exit review step asked of the generic step service: a review is recorded only with its outcome, by
    channel.support.reviews.post_exit_review_record (the Reviews section's form), never as a bare step."""

    MESSAGE = "Record the post-exit review in the case's Reviews section, with what it found"

    def __init__(self, transition: str) -> None:
        super().__init__({"__all__": [self.MESSAGE]})
        self.transition = transition

    def __str__(self) -> str:
        return self.MESSAGE
