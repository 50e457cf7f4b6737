from __future__ import annotations


class AssignmentRefused(ValueError):
    """The assignment is not possible (a message for the user); `permission` when the actor may not assign."""

    def __init__(self, message: str, *, permission: bool = False) -> None:
        super().__init__(message)
        self.permission = permission
