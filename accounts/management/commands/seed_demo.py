"""Load the demo local authorities and one user per role in each (development only)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError

from accounts.services import demo_data_seed
from core.management.base import OperatorCommand


class Command(OperatorCommand):
    help = "Create two demo local authorities with one user per role (idempotent; refused in production)."

    def handle(self, *args: object, **options: object) -> None:
        # Demo users with a published password must never exist in a live service.
        if settings.ENVIRONMENT == "production":
            raise CommandError("seed_demo refuses to run under production settings.")
        password = settings.DEMO_PASSWORD
        secret = settings.DEMO_TOTP_SECRET
        rows = demo_data_seed(password=password, totp_secret=secret)
        width = max(len(email) for email, _, _ in rows)
        self.stdout.write("Demo accounts (sign in at http://127.0.0.1:8000/accounts/sign-in/):")
        for email, role, authority in rows:
            self.stdout.write(f"  {email.ljust(width)}  {role} - {authority}")
        self.stdout.write(f"Password for every demo account: {password}  (set DEMO_PASSWORD to change it)")
        self.stdout.write(
            f"Authenticator (TOTP) secret for every demo account: {secret}  (set DEMO_TOTP_SECRET to change it);"
            " add it to any authenticator app, then enter its 6-digit code after the password"
        )
        # The demo cases live in the apps' own commands (accounts imports none of them); `make run` runs them all.
        self.stdout.write(
            "This makes accounts only; for the demo cases run seed_demo_referrals, seed_demo_mash,"
            " seed_demo_channel and seed_demo_closure in that order (`make seed` and `make run` do)"
        )
