"""REST framework authentication by API token: knox's digest lookup, with expiry, revocation and last use."""

from __future__ import annotations

import binascii
from hmac import compare_digest
from typing import Any

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from rest_framework.exceptions import AuthenticationFailed

from accounts.models import ApiToken
from accounts.services.api_tokens import api_token_refusal_record, api_token_use_record

INVALID = "Invalid API token."


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <token>`; every failure is a 401 with a `detail` message.

    knox's own check deletes an expired token when it is presented and answers "Invalid token.";
    we keep the row so the caller is told it expired or was revoked, and the refusal is audited.
    """

    def authenticate_credentials(self, token: bytes) -> tuple[Any, ApiToken]:
        try:
            text = token.decode("ascii")
            digest = hash_token(text)
        except (UnicodeDecodeError, TypeError, binascii.Error):
            raise AuthenticationFailed(INVALID) from None
        now = timezone.now()
        candidates = ApiToken.objects.filter(token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH]).select_related("user")
        for row in candidates:
            if not compare_digest(digest, row.digest):
                continue
            refusal = row.refusal(now=now)
            if refusal is not None:
                api_token_refusal_record(token=row, refusal=refusal)
                raise AuthenticationFailed(refusal.label, code=refusal.value.lower())
            api_token_use_record(token=row, now=now)
            return row.user, row
        raise AuthenticationFailed(INVALID)


class ApiTokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme of the class above (drf-spectacular matches classes exactly)."""

    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "apiToken"
