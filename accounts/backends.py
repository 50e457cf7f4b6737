"""The password backend: Django's ModelBackend, loading what every signed-in page needs in one query."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class UserBackend(ModelBackend):
    """Every page reads the user's role and council (the home page, the navigation, every permission check):
    the session's user is loaded with its membership and council joined, one query instead of three."""

    def get_user(self, user_id: Any) -> Any:
        from accounts.models import User

        try:
            user = User._default_manager.select_related("membership_record__local_authority").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
