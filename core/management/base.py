"""The project's operator commands: a usage mistake (a missing argument, an unknown option, a value argparse
refuses) is one line on standard error and exit status 2, like every other refusal, not argparse's usage block."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class OperatorCommand(BaseCommand):
    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def error(message: str) -> None:
            if not parser.called_from_command_line:  # call_command: Django's own CommandError
                raise CommandError(f"Error: {message}")
            parser.exit(2, f"{parser.prog}: {message} (see --help)\n")

        parser.error = error  # type: ignore[method-assign]
        return parser
