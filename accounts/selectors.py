"""Reads of users and memberships."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import LocalAuthority, User


def user_list_in_authority(*, local_authority: LocalAuthority) -> QuerySet[User]:
    """Active users holding a role in the given local authority."""
    return User.objects.filter(is_active=True, membership_record__local_authority=local_authority)
