"""Operator command: clear every lockout record of an account (failed sign-ins, wrong security codes), audited."""

from __future__ import annotations

from django.core.management.base import CommandError

from accounts.services import account_unlock_by_operator
from core.management.base import OperatorCommand


class Command(OperatorCommand):
    help = "Unlock an account locked after failed sign-ins or wrong security codes (audited as an operator unlock)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email", help="the account's email address")

    def handle(self, *args: object, **options: object) -> None:
        unlocked = account_unlock_by_operator(email=str(options["email"]))
        if unlocked is None:
            # One line, and the typed address is not echoed back into logs.
            raise CommandError("No account has that email address.")
        self.stdout.write(f"Account unlocked ({unlocked.attempts_cleared} failed sign-in records cleared).")
        if unlocked.addresses_still_blocked:
            self.stdout.write(
                f"{unlocked.addresses_still_blocked} address(es) this account failed from stay blocked for every "
                "account (too many failures across accounts): check them with axes_list_attempts, then lift one "
                "with unlock_address ADDRESS."
            )
