"""Export a council's Prevent statistics for the Home Office (issue 16): one file, audited, no decryption.

    python manage.py export_benchmarking --authority E09000007 --year 2024 --format xlsx --out stats.xlsx
    python manage.py export_benchmarking --authority E09000007 --from 2024-04-01 --to 2024-09-30 --format csv --out -
    python manage.py export_benchmarking --authority E09000007 --year 2024 --assurance --format json --out a.json

`--assurance` exports the year's toolkit self-assessment and Channel assurance statement instead (a financial
year only).

Without --year or --from/--to: the current financial year. Exit status 2, with one line, for an unknown
council, year or format, a bad date, a range ending before it starts, or an --out that cannot be written
(checked before anything is computed or audited); 1, with one line, if writing the file fails part way (a full
disk). `--out -` writes to standard output (not for xlsx).
"""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from tqdm import tqdm

from accounts.models import LocalAuthority
from benchmarking.assurance_exports import assurance_export
from benchmarking.exports import FORMATS
from benchmarking.forms import current_financial_year
from benchmarking.services import STEPS, ExportRefused, statistics_export
from benchmarking.statistics import Period, PeriodError
from core.management.base import OperatorCommand

EXIT_BAD_INPUT = 2


class BadInput(Exception):
    pass


def _date(value: str, name: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{name} {value!r} is not a date: give it as YYYY-MM-DD.") from None


def _check_writable(out: str) -> None:
    """Refuse an --out that cannot be written before any work (and before the export is audited)."""
    if out == "-":
        return
    if not out.strip():
        raise BadInput("--out is empty: give a file name, or - for standard output.")
    path = Path(out)
    if path.is_dir():
        raise BadInput(f"--out {out!r} is a folder: give a file name.")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise BadInput(f"--out {out!r}: the folder {str(folder)!r} does not exist.")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise BadInput(f"--out {out!r} cannot be written: permission denied.")


class Command(OperatorCommand):
    help = "Export a council's Prevent statistics (live cases and tombstones, small counts withheld)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--authority", required=True, help="the council's ONS code, such as E09000007")
        parser.add_argument(
            "--year", help="the financial year's first year: 2024 is April 2024 to March 2025 (default: this one)"
        )
        parser.add_argument("--from", dest="date_from", help="first day (YYYY-MM-DD), with --to instead of --year")
        parser.add_argument("--to", dest="date_to", help="last day (YYYY-MM-DD)")
        parser.add_argument("--format", required=True, help=f"one of {', '.join(FORMATS)}")
        parser.add_argument("--out", required=True, help="the file to write, or - for standard output")
        parser.add_argument(
            "--assurance",
            action="store_true",
            help="the year's toolkit self-assessment and Channel assurance statement instead of the statistics",
        )

    def _fail(self, message: str) -> None:
        self.stderr.write(f"export_benchmarking: {message}")
        sys.exit(EXIT_BAD_INPUT)

    def _period(self, options: dict[str, Any]) -> Period:
        year, start, end = options["year"], options["date_from"], options["date_to"]
        for name, value in (("--year", year), ("--from", start), ("--to", end)):
            if value is not None and not value.strip():  # an unset variable: not "this financial year"
                raise BadInput(f"{name} is empty: give it a value, or leave it out.")
        if year and (start or end):
            raise BadInput("give either --year or --from and --to, not both.")
        if year:
            if not (year.strip().isascii() and year.strip().isdigit()):
                raise BadInput(f"Unknown year {year!r}: give a year such as 2024 for April 2024 to March 2025.")
            return Period.financial_year(int(year))
        if not (start or end):
            return Period.financial_year(current_financial_year())  # the default: this financial year
        if not (start and end):
            raise BadInput("give both --from and --to (or --year, or neither for this financial year).")
        return Period.between(_date(start, "--from"), _date(end, "--to"))

    def handle(self, *args: object, **options: Any) -> None:
        fmt = (options["format"] or "").strip().lower()
        try:
            if fmt not in FORMATS:
                raise BadInput(f"Unknown format {options['format']!r}: choose one of {', '.join(FORMATS)}.")
            code = options["authority"].strip().upper()
            authority = LocalAuthority.objects.filter(ons_code=code).first()
            if authority is None:
                raise BadInput(f"Unknown council {code!r}: give the ONS code of a council of this service.")
            period = self._period(options)
            if options["out"] == "-" and fmt == "xlsx":
                raise BadInput("an Excel file cannot go to standard output: give --out a file name.")
            _check_writable(options["out"])
        except (BadInput, PeriodError) as error:
            self._fail(str(error))
        if options["assurance"]:
            self._assurance(authority, period, fmt, options)
            return
        # Always drawn (on standard error, never mixed with --out -): an operator watching a log sees it move too.
        bar = tqdm(total=len(STEPS), desc="Statistics", unit="step", file=sys.stderr, disable=False)

        def step(name: str) -> None:
            bar.set_postfix_str(name)
            bar.update(1)

        try:
            stats, content = statistics_export(
                actor=None, authority=authority, period=period, fmt=fmt, via="command", progress=step
            )
        except ExportRefused as error:
            self._fail(str(error))
        finally:
            bar.close()
        self._write(content, options["out"])
        if options["out"] != "-":
            self.stderr.write(f"Wrote {options['out']}: {stats.authority_name}, {period.label} ({fmt}).")

    def _write(self, content: bytes, out: str) -> None:
        if out == "-":
            self.stdout.write(content.decode("utf-8-sig"), ending="")
            return
        try:
            Path(out).write_bytes(content)
        except OSError as error:
            self.stderr.write(f"export_benchmarking: could not write {out}: {error.strerror or error}.")
            sys.exit(1)

    def _assurance(self, authority: LocalAuthority, period: Period, fmt: str, options: dict[str, Any]) -> None:
        if options["date_from"] or options["date_to"]:
            self._fail(
                "--assurance is for a financial year: give --year (or neither, for this one), not --from and --to."
            )
        _, content = assurance_export(actor=None, authority=authority, year=period.start.year, fmt=fmt, via="command")
        self._write(content, options["out"])
        if options["out"] != "-":
            self.stderr.write(f"Wrote {options['out']}: {authority.name}, {period.label}, assurance ({fmt}).")
