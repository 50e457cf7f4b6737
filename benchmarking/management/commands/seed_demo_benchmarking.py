"""Load the demo council's assurance: a self-assessment partly filled, a statement submitted last year and a draft
this year (development only)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError

from benchmarking.demo import benchmarking_demo_seed
from benchmarking.self_assessment import AssuranceInvalid
from core.management.base import OperatorCommand


class Command(OperatorCommand):
    help = (
        "Rate part of this year's Prevent duty toolkit self-assessment of the first demo council, submit last "
        "year's Channel assurance statement and start this year's (idempotent)."
    )

    def handle(self, *args: object, **options: object) -> None:
        if settings.ENVIRONMENT == "production":
            raise CommandError("seed_demo_benchmarking refuses to run under production settings.")
        try:
            made = benchmarking_demo_seed()
        except AssuranceInvalid as exc:
            raise CommandError(str(exc)) from exc
        for line in made or ["The demo assurance already exists."]:
            self.stdout.write(line)
