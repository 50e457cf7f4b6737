"""Operator command: lift the block on one address (too many failed sign-ins across accounts), audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.validators import validate_ipv46_address

from accounts.services import address_unlock_by_operator
from core.management.base import OperatorCommand


class Command(OperatorCommand):
    help = (
        "Clear every failed sign-in from one address, lifting the block for every account behind it "
        "(audited as an operator unlock). Check the attempts first: the block may be someone guessing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("address", help="the IP address, as axes_list_attempts shows it")

    def handle(self, *args: object, **options: object) -> None:
        address = str(options["address"]).strip()
        try:
            validate_ipv46_address(address)
        except ValidationError as error:
            raise CommandError("Enter an IP address, like 192.0.2.10.") from error
        cleared = address_unlock_by_operator(ip_address=address)
        self.stdout.write(f"Address unlocked ({cleared} failed sign-in records cleared).")
