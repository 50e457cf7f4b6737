"""Domain errors of the referral lifecycle."""

from __future__ import annotations


class StatusUpdateRefused(RuntimeError):
    """Someone tried to change Referral.status outside a transition."""


class TransitionRefused(PermissionError):
    """The user may not take this transition (the refusal is already audited)."""


class TransitionNotPossible(ValueError):
    """The transition is not available from the current state, or its conditions are unmet."""


class CaseChangedMeanwhile(RuntimeError):
    """Someone else changed the case (its status, or a draft's answers) after this copy was loaded.

    Nothing was saved; the refusal is already audited. `current_status` is the status now stored.
    """

    def __init__(self, *, transition: str, current_status: str) -> None:
        super().__init__(f"The case changed before {transition} could be saved.")
        self.transition = transition
        self.current_status = current_status


class NotEditable(ValueError):
    """The referral is no longer a draft of this user."""


class ReferralClosed(NotEditable):
    """The referral is closed: nothing more is added to it (the refusal is already audited)."""

    message = "You cannot add information to this referral because it is closed."

    def __init__(self) -> None:
        super().__init__(self.message)


class ReferralInvalid(ValueError):
    """Answers missing or malformed; `errors` maps field names to GOV.UK-voice messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("The referral is incomplete or invalid.")
        self.errors = errors


class AttachmentRejected(ValueError):
    """An attachment is too large, empty, or not a PDF, Word document or image by its content."""


class AttachmentNotStored(AttachmentRejected):
    """The file could not be written (a full disk, an I/O error): nothing was kept; the sender may try again."""


class GrantRefused(PermissionError):
    """The user may not give, revoke or break-glass this grant (the refusal is already audited)."""
