"""Operator command: clear an account's failed sign-ins (django-axes lockout), audited."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.services import account_unlock_by_operator


class Command(BaseCommand):
    help = "Unlock an account locked after repeated failed sign-ins (audited as an operator unlock)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email", help="the account's email address")

    def handle(self, *args: object, **options: object) -> None:
        cleared = account_unlock_by_operator(email=str(options["email"]))
        if cleared is None:
            # One line, and the typed address is not echoed back into logs.
            raise CommandError("No account has that email address.")
        self.stdout.write(f"Account unlocked ({cleared} failed sign-in records cleared).")
