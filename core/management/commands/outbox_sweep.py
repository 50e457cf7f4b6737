"""Operator command: run the outbox relay now, and say what is left (after a mail or broker outage)."""

from __future__ import annotations

from core.management.base import OperatorCommand
from core.services import outbox_retry_stuck, outbox_stuck_count, outbox_sweep


class Command(OperatorCommand):
    help = (
        "Dispatch the outbox messages that are due (what beat does every OUTBOX_POLL_SECONDS) and report "
        "those that used every attempt. --retry-stuck gives those a fresh set of attempts first."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--retry-stuck",
            action="store_true",
            help="make messages that used every attempt due again (once the cause, such as the mail server, is fixed)",
        )

    def handle(self, *args: object, **options: object) -> None:
        if options["retry_stuck"]:
            self.stdout.write(f"{outbox_retry_stuck()} stuck messages made due again.")
        counts = outbox_sweep()
        self.stdout.write(
            f"{counts['dispatched']} dispatched, {counts['failed']} failed again, "
            f"{counts['removed']} old dispatched messages removed."
        )
        stuck = outbox_stuck_count()
        if stuck:
            self.stdout.write(
                f"{stuck} messages used every attempt: see the log for their errors, then run with --retry-stuck."
            )
