"""Domain errors of panel meetings (bad input reuses channel.exceptions.ChannelInvalid)."""

from __future__ import annotations


class PanelActionRefused(PermissionError):
    """The user may not do this to the panel or meeting (the refusal is audited before this is raised)."""


class QuorumNotMet(ValueError):
    """A panel decision without the chair and a police officer for the person's area recorded present."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__("No quorum: " + " and ".join(missing) + " not recorded present.")

    @property
    def message(self) -> str:
        who = " and ".join(self.missing)
        verb = "is" if len(self.missing) == 1 else "are"
        return (
            f"The panel cannot decide: {who} {verb} not recorded as present. "
            "Record the attendance first (a decision needs the chair and a police officer for the person's area)."
        )
