"""Domain errors of the Channel lifecycle (permission refusals reuse referrals.exceptions.TransitionRefused)."""

from __future__ import annotations


class ChannelInvalid(ValueError):
    """A Channel step's input is missing or malformed; `errors` maps field names to GOV.UK-voice messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("The Channel step is incomplete or invalid.")
        self.errors = errors


class ChannelStateUpdateRefused(RuntimeError):
    """Someone tried to change ChannelCase.state outside a transition."""
