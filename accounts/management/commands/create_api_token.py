"""Operator command: make a user's API token and print it once, or revoke all of that user's tokens."""

from __future__ import annotations

from django.core.management.base import CommandError

from accounts.models import User
from accounts.services.api_tokens import api_token_create, api_tokens_revoke
from core.management.base import OperatorCommand


class Command(OperatorCommand):
    help = (
        "Print a new API token for the user with this e-mail address (only the token, on stdout; it is shown "
        "once and never stored), or with --revoke revoke every token of that user."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("email", help="the account's e-mail address")
        parser.add_argument("--revoke", action="store_true", help="revoke all of this user's API tokens")

    def handle(self, *args: object, **options: object) -> None:
        users = User._default_manager.filter(email__iexact=str(options["email"]).strip())
        if options["revoke"]:
            # A deactivated account's tokens can still be revoked.
            user = users.first()
            if user is None:
                raise CommandError("No account has that e-mail address.")
            count = api_tokens_revoke(user=user)
            self.stdout.write(f"Revoked {count} API token{'' if count == 1 else 's'}.")
            return
        user = users.filter(is_active=True).first()
        if user is None:
            # One line, and the typed address is not echoed back into logs.
            raise CommandError("No active user has that e-mail address.")
        token, text = api_token_create(user=user)
        self.stdout.write(text)
        self.stderr.write(
            f"Shown once: only its digest is kept. It expires on {token.expires_at:%d %B %Y at %H:%M} UTC."
        )
