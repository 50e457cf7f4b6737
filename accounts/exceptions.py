"""Domain errors of accounts: refusals the views turn into GOV.UK pages."""

from __future__ import annotations


class AccountsError(Exception):
    """Base of the accounts app's domain errors; the message is safe to show (no personal data)."""


class UserChangeRefused(AccountsError):
    """The actor may not make this change (not a Prevent lead, another authority, or themselves)."""


class InvitationRefused(AccountsError):
    """An invitation cannot be sent or accepted (the message says why, in GOV.UK voice)."""


class InvitationInvalid(AccountsError):
    """The link is wrong, expired or already used; `reason` is expired, used or invalid."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class EnrolmentRefused(AccountsError):
    """A second factor is already set up: a new one needs a verified session, never just a password."""


class PasskeyRemovalRefused(AccountsError):
    """The passkey is the user's only second factor: removing it would leave the password alone."""


class SecondFactorLocked(AccountsError):
    """Too many wrong security codes: the account is locked until a Prevent lead or an operator unlocks it."""


class ApiTokenRefused(AccountsError):
    """A token cannot be made for this account (it is deactivated)."""
