from __future__ import annotations


class AssignmentRefused(ValueError):
    """The assignment is not possible (a message for the user); `permission` when the actor may not assign."""

    def __init__(self, message: str, *, permission: bool = False) -> None:
        super().__init__(message)
        self.permission = permission


class ScreeningRefused(ValueError):
    """A screening record (gateway check, outcome, decision) is not possible now (a message for the user);
    `permission` when the actor's role may not record it at all (a 403 page)."""

    def __init__(self, message: str, *, permission: bool = False) -> None:
        super().__init__(message)
        self.permission = permission


class ScreeningInvalid(ValueError):
    """The input of a screening record is incomplete or wrong: one message per field."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors
