from __future__ import annotations


class InformationRequestInvalid(ValueError):
    """Input that cannot be accepted: field -> messages, shown as a GOV.UK error summary."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(message for messages in errors.values() for message in messages))
        self.errors = errors


class InformationRequestRefused(PermissionError):
    """The action is not possible (the refusal is audited): a message for the person, shown on a 403 page."""
