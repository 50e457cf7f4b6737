"""Load a demo year of statistics for the first demo council (development only)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError

from accounts.models import LocalAuthority
from benchmarking.statistics_demo import YEAR, statistics_demo_seed
from core.management.base import OperatorCommand


class Command(OperatorCommand):
    help = (
        "Write made-up statistical tombstones for the first demo council's financial year 2024/25, so that its "
        "Home Office statistics show every table beside the national figures (idempotent)."
    )

    def handle(self, *args: object, **options: object) -> None:
        if settings.ENVIRONMENT == "production":
            raise CommandError("seed_demo_statistics refuses to run under production settings.")
        try:
            written = statistics_demo_seed()
        except LocalAuthority.DoesNotExist as exc:
            raise CommandError("Run seed_demo first: the demo councils do not exist.") from exc
        if not written:
            self.stdout.write("The demo statistics already exist.")
            return
        self.stdout.write(
            f"Demo statistics: {written} tombstones of {YEAR}/{(YEAR + 1) % 100:02d} (see /statistics/?year={YEAR})."
        )
