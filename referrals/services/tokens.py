"""API tokens for systems that submit referrals on a user's behalf."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from rest_framework.authtoken.models import Token

from audit import services as audit
from audit.actions import AuditAction


def api_token_create(*, user: Any) -> str:
    """Replace the user's API token with a new one and return it (shown once; the old one stops working)."""
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        audit.record(actor=None, action=AuditAction.API_TOKEN_CREATED, target=user, local_authority_id=None)
    return token.key
