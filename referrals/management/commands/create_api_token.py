"""Create (or replace) a user's API token and print it once."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from referrals.services import api_token_create


class Command(BaseCommand):
    help = "Create a new API token for the user with this e-mail address and print it (replaces any old one)."

    def add_arguments(self, parser: object) -> None:
        parser.add_argument("email")

    def handle(self, *args: object, email: str, **options: object) -> None:
        user = get_user_model()._default_manager.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError("No active user has that e-mail address.")
        self.stdout.write(api_token_create(user=user))
