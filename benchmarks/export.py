"""Statistics export benchmark (`make bench-export`): prints figures, asserts nothing (goal: 2 s per format).

On a throwaway PostgreSQL database (prevent_bench_export on 127.0.0.1:5432, or BENCH_DB_NAME, created and
dropped here), one council's financial year 2024 (April 2024 to March 2025):
  - BENCH_LIVE live referrals (100,000 by default), submitted through the year, in every stage (30% submitted,
    20% screening, 15% information gathering, 10% with Channel, 25% closed for each closing reason), each with
    its referrer sector, stage dates and closing reason (the clear columns the statistics read); the cases
    that reached Channel have their Channel case and decisions (adopted, consent given or refused);
  - BENCH_TOMBSTONES purge tombstones (100,000 by default) over the same months, with every band and code.
Every live case has a data key of its own, wrapped under the development KEK, and real ciphertext (sealed
through the encrypted fields, bound to its row) in the answers the statistics must not read: name, date of
birth, approximate age, gender and type of concern. Its other encrypted fields hold empty bytes, which no
decryption would accept. The rows are written with COPY and INSERT ... SELECT, not through the services.

Timed: benchmarking.services.statistics_export (what `export_benchmarking` and the page call: compute,
disclosure control, render, audit) for csv, xlsx, json and html, BENCH_RUNS runs each after one warm-up,
interleaved; then the command itself once per format, to a file. Printed per format: median, best and worst,
the SQL queries of one export and the decryptions (encrypted fields opened and data keys unwrapped, counted on
the encryption API's own functions), which must be 0.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[0] = str(REPO)  # in place of benchmarks/, whose queue.py would shadow the standard library

from benchmarks.common import database_drop, database_fresh, database_url, django_setup  # noqa: E402

DB_NAME = os.environ.get("BENCH_DB_NAME", "prevent_bench_export")
LIVE = int(os.environ.get("BENCH_LIVE", "100000"))
TOMBSTONES = int(os.environ.get("BENCH_TOMBSTONES", "100000"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
YEAR = 2024
ONS_CODE = "E09000999"
GOAL_SECONDS = 2.0
FORMATS = ("csv", "xlsx", "json", "html")
SEALED = ("given_name", "family_name", "date_of_birth", "approximate_age", "gender", "concern_type")
SECONDS_SPREAD = 364 * 24 * 3600  # 1 April 08:00 UTC to 31 March: every case in the year, in any time zone


def _people() -> tuple:
    from accounts.models import LocalAuthority, Nation, Role
    from accounts.services import user_create_with_membership

    authority = LocalAuthority.objects.create(name="Bench Borough Council", ons_code=ONS_CODE, nation=Nation.ENGLAND)
    users = [
        user_create_with_membership(
            email=f"bench-{role}@bench.example.org",
            password="a-bench-password-never-used",  # noqa: S106 - users of a throwaway database
            local_authority=authority,
            role=role,
        )
        for role in (Role.REFERRER, Role.PANEL_MEMBER)
    ]
    return authority, *users


def _sealed_rows():
    """(i, referral id, data key row, ciphertexts of SEALED) per live case: real keys, real ciphertext."""
    from encryption.scope import data_key_scope
    from encryption.services import case_key_new
    from referrals.choices import ConcernType, Gender
    from referrals.models import Referral

    fields = [Referral._meta.get_field(name) for name in SEALED]
    genders, concerns = Gender.values, ConcernType.values
    with data_key_scope():
        for i in range(1, LIVE + 1):
            data_key = case_key_new()
            case = Referral(
                id=uuid.uuid4(),
                data_key=data_key,
                given_name=f"Bench{i}",
                family_name="Person",
                date_of_birth=datetime.date(1960 + i % 50, 1 + i % 12, 1 + i % 28) if i % 3 else None,
                approximate_age="" if i % 3 else str(12 + i % 60),
                gender=genders[i % len(genders)],
                concern_type=concerns[i % len(concerns)],
            )
            sealed = [field.pre_save(case, add=True) for field in fields]
            yield i, case.id, data_key, [None if value is None else value.data for value in sealed]


def _copy_live(cursor) -> None:
    """The data keys and the ciphertexts, by COPY: the referrals are then written from them in SQL."""
    cursor.execute(
        "CREATE TEMP TABLE bench_seed (i int, id uuid, data_key_id uuid, "
        + ", ".join(f"{name} bytea" for name in SEALED)
        + ")"
    )
    now = datetime.datetime.now(tz=datetime.UTC)
    keys = []
    with cursor.copy(f"COPY bench_seed (i, id, data_key_id, {', '.join(SEALED)}) FROM STDIN") as copy:
        for i, referral_id, data_key, ciphertexts in _sealed_rows():
            copy.write_row((i, referral_id, data_key.pk, *ciphertexts))
            keys.append((data_key.pk, now, now, data_key.kek_id, data_key.wrapped_key))
    with cursor.copy("COPY encryption_datakey (id, created_at, updated_at, kek_id, wrapped_key) FROM STDIN") as copy:
        for row in keys:
            copy.write_row(row)


EMPTY = [
    "other_names", "address", "postcode", "contact", "first_language", "interpreter_needed", "education_or_employer",
    "parent_name", "parent_relationship", "parent_contact", "parent_address", "referrer_name", "referrer_role",
    "referrer_organisation", "referrer_phone", "referrer_email", "safeguarding_lead_aware", "concern_description",
    "concern_when", "concern_how_learned", "complex_needs", "person_aware", "other_agencies", "immediate_risk",
    "closing_summary",
]  # fmt: skip
# i % 20: 0-5 submitted, 6-9 screening, 10-12 information gathering, 13-14 with Channel, 15-19 closed (one
# closing reason each: no concern and signposted after screening, police-led and not suitable after
# information gathering, Channel support completed).
STAGE_SQL = """
  CASE WHEN mod(s.i, 20) < 6 THEN 'submitted' WHEN mod(s.i, 20) < 10 THEN 'screening'
       WHEN mod(s.i, 20) < 13 THEN 'information_gathering' WHEN mod(s.i, 20) < 15 THEN 'with_channel' ELSE 'closed' END,
  CASE WHEN mod(s.i, 20) >= 6 THEN t.at + interval '1 day' * (1 + mod(s.i, 4)) END,
  CASE WHEN mod(s.i, 20) BETWEEN 10 AND 14 OR mod(s.i, 20) >= 17
       THEN t.at + interval '1 day' * (6 + mod(s.i, 5)) END,
  CASE WHEN mod(s.i, 20) IN (13, 14, 19) THEN t.at + interval '1 day' * (15 + mod(s.i, 10)) END,
  CASE WHEN mod(s.i, 20) >= 15 THEN t.at + interval '1 day' * (20 + mod(s.i, 90)) END,
  CASE mod(s.i, 20) WHEN 15 THEN 'NFA_NO_CONCERN' WHEN 16 THEN 'NFA_SIGNPOSTED' WHEN 17 THEN 'POLICE_LED'
       WHEN 18 THEN 'NFA_INSUFFICIENT' WHEN 19 THEN 'CHANNEL_COMPLETED' ELSE '' END
"""
SECTORS = "(ARRAY['education','health','local_authority','police','community','family_friends','prisons',"
SECTORS += "'probation','housing','other'])[1 + mod(s.i, 10)]"


def _insert_live(cursor, authority_id: int, referrer_id: int, panel_id: int) -> None:
    start = datetime.datetime(YEAR, 4, 1, 8, tzinfo=datetime.UTC)
    cursor.execute(
        "INSERT INTO referrals_referral (id, created_at, updated_at, reference, status, screening_started_at, "  # noqa: S608
        "information_gathering_started_at, referred_to_channel_at, closed_at, closing_reason, referrer_sector, "
        f"idempotency_key, submitted_at, possible_repeat_count, answers_version, {', '.join(SEALED)}, "
        f"{', '.join(EMPTY)}, person_index, created_by_id, data_key_id, local_authority_id) "
        f"SELECT s.id, t.at, t.at, 'PRV-X-' || lpad(s.i::text, 7, '0'), {STAGE_SQL}, {SECTORS}, '', t.at, 0, 1, "
        + ", ".join(f"s.{name}" for name in SEALED)
        + ", "
        + ", ".join("''::bytea" for _ in EMPTY)
        + ", md5('person' || s.i), %s, s.data_key_id, %s FROM bench_seed s, "
        "LATERAL (SELECT %s::timestamptz + interval '1 second' * (s.i::bigint * %s / %s) AS at) t",
        [referrer_id, authority_id, start, SECONDS_SPREAD, LIVE + 1],
    )
    cursor.execute(
        "INSERT INTO channel_channelcase (id, created_at, updated_at, referral_id, state, listed_at) "
        "SELECT md5('channel' || s.i)::uuid, r.referred_to_channel_at, r.referred_to_channel_at, s.id, "
        "CASE WHEN mod(s.i, 20) = 19 THEN 'completed' WHEN mod(s.i, 40) = 13 THEN 'supported' "
        "WHEN mod(s.i, 40) = 33 THEN 'consent_refused' ELSE 'listed' END, r.referred_to_channel_at "
        "FROM bench_seed s JOIN referrals_referral r ON r.id = s.id WHERE mod(s.i, 20) IN (13, 14, 19)"
    )
    # Adopted, then consent: given (completed and supported cases), refused (half of the 13s).
    for transition, before, after, where in (
        ("adopt", "listed", "awaiting_consent", "mod(s.i, 20) IN (13, 19)"),
        ("record_consent_given", "awaiting_consent", "supported", "mod(s.i, 20) = 19 OR mod(s.i, 40) = 13"),
        ("record_consent_refused", "awaiting_consent", "consent_refused", "mod(s.i, 40) = 33"),
    ):
        cursor.execute(
            "INSERT INTO channel_channeldecision (id, created_at, updated_at, channel_case_id, transition, "  # noqa: S608
            "stage_before, stage_after, reason_code, note, decided_by_id) "
            "SELECT md5(%s || s.i)::uuid, r.referred_to_channel_at + interval '1 day' * %s, "
            "r.referred_to_channel_at, md5('channel' || s.i)::uuid, %s, %s, %s, '', ''::bytea, %s "
            f"FROM bench_seed s JOIN referrals_referral r ON r.id = s.id WHERE {where}",
            [transition, 1 + (transition != "adopt"), transition, before, after, panel_id],
        )


def _tombstones(authority) -> None:
    from closure.models import Tombstone
    from closure.statistics import AGE_BANDS, OVER
    from referrals.choices import ClosingReason, ConcernType, Gender

    months = [datetime.date(YEAR + (m > 12), (m - 1) % 12 + 1, 1) for m in range(4, 16)]
    sectors = ["education", "health", "local_authority", "police", "community", "other", ""]
    bands = [code for _, code in AGE_BANDS] + [OVER, ""]
    routes = ["submitted", "screening", "information_gathering", "channel"]
    outcomes = ClosingReason.values
    batch = []
    for i in range(TOMBSTONES):
        channel = routes[i % 4] == "channel"
        batch.append(
            Tombstone(
                referral_month=months[i % 12],
                local_authority=authority,
                referrer_sector=sectors[i % 7],
                age_band=bands[i % 8],
                gender=Gender.values[i % 4],
                concern_type=ConcernType.values[i % 9],
                route=routes[i % 4],
                outcome=outcomes[i % 7],
                days_to_screening=None if i % 4 == 0 else 1 + i % 5,
                days_to_information_gathering=5 + i % 7 if i % 4 >= 2 else None,  # noqa: PLR2004
                days_to_channel=10 + i % 20 if channel else None,
                days_to_closure=20 + i % 200,
                consent_given=(i % 3 != 0) if channel else None,
            )
        )
        if len(batch) == 5000:  # noqa: PLR2004
            Tombstone.objects.bulk_create(batch)
            batch = []
    Tombstone.objects.bulk_create(batch)


def _fill():
    from django.db import connection, transaction

    authority, referrer, panel = _people()
    with transaction.atomic(), connection.cursor() as cursor:
        _copy_live(cursor)
        _insert_live(cursor, authority.pk, referrer.pk, panel.pk)
        cursor.execute("DROP TABLE bench_seed")
    _tombstones(authority)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return authority


class Spy:
    """Counts decryptions on the encryption API: encrypted fields opened and data keys unwrapped."""

    def __init__(self) -> None:
        from encryption.fields import EncryptedFieldMixin
        from encryption.keyring import KeyRing

        self.opened = 0
        self.unwrapped = 0
        originals = (EncryptedFieldMixin.open_sealed, KeyRing.unwrap)

        def open_sealed(field, instance, data):
            self.opened += 1
            return originals[0](field, instance, data)

        def unwrap(ring, **kwargs):
            self.unwrapped += 1
            return originals[1](ring, **kwargs)

        EncryptedFieldMixin.open_sealed, KeyRing.unwrap = open_sealed, unwrap


def _check_spy(spy: Spy) -> None:
    """The spy sees a decryption: one live case read through its model opens its gender (and its key)."""
    from encryption.scope import data_key_scope
    from referrals.models import Referral

    with data_key_scope():
        gender = Referral.objects.exclude(status="draft").first().gender
    if not (gender and spy.opened == 1 and spy.unwrapped == 1):
        raise SystemExit(f"The decryption counter does not work ({spy.opened} opened, {spy.unwrapped} unwrapped).")
    spy.opened = spy.unwrapped = 0


def _export(authority, fmt: str) -> tuple[float, float, int, int]:
    """Seconds, this process's CPU seconds, bytes and queries of one statistics_export."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from benchmarking.services import statistics_export
    from benchmarking.statistics import Period

    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        _, content = statistics_export(
            actor=None, authority=authority, period=Period.financial_year(YEAR), fmt=fmt, via="command"
        )
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return elapsed, cpu, len(content), len(queries)


def _command(fmt: str, folder: Path) -> float:
    from django.core.management import call_command

    out = folder / f"statistics.{fmt}"
    started = time.perf_counter()
    with contextlib.redirect_stderr(io.StringIO()):  # its progress bar and last line
        call_command(
            "export_benchmarking", authority=ONS_CODE, year=str(YEAR), format=fmt, out=str(out), stderr=io.StringIO()
        )
    return time.perf_counter() - started


def _measure(authority, spy: Spy) -> None:
    from benchmarking.services import statistics_produce
    from benchmarking.statistics import Period

    stats = statistics_produce(authority=authority, period=Period.financial_year(YEAR))
    print(f"Counted: {stats.referrals:,} referrals ({stats.live:,} live, {stats.tombstones:,} tombstones).")
    times, cpus = {fmt: [] for fmt in FORMATS}, {fmt: [] for fmt in FORMATS}
    facts = {}
    for run in range(RUNS + 1):
        for fmt in FORMATS:  # interleaved: a drift of the machine hits every format alike
            elapsed, cpu, size, queries = _export(authority, fmt)
            if run:
                times[fmt].append(elapsed)
                cpus[fmt].append(cpu)
            facts[fmt] = (size, queries)
    with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
        commands = {fmt: _command(fmt, Path(folder)) for fmt in FORMATS}
    print(f"statistics_export, {RUNS} runs per format after one warm-up (seconds):")
    print(f"{'format':<8}{'median':>8}{'best':>8}{'worst':>8}{'cpu':>7}{'command':>9}{'bytes':>10}{'queries':>9}  goal")
    for fmt in FORMATS:
        median = statistics.median(times[fmt])
        size, queries = facts[fmt]
        line = f"{fmt:<8}{median:>8.3f}{min(times[fmt]):>8.3f}{max(times[fmt]):>8.3f}"
        line += f"{statistics.median(cpus[fmt]):>7.3f}{commands[fmt]:>9.3f}{size:>10,}{queries:>9}"
        print(f"{line}  {'met' if median <= GOAL_SECONDS else 'NOT met'}")
    print("cpu: this process's CPU seconds (median), the Python side only; the rest is PostgreSQL and waiting.")
    print(f"Load average now: {', '.join(f'{value:.2f}' for value in os.getloadavg())} on {os.cpu_count()} cores.")
    print(f"Decryptions in all of these: {spy.opened} encrypted fields opened, {spy.unwrapped} data keys unwrapped.")


def main() -> None:
    database_fresh(DB_NAME)
    keep = os.environ.get("BENCH_EXPORT_KEEP") == "1"  # keep the database to EXPLAIN its queries
    try:
        django_setup(database_url(DB_NAME), REDIS_URL="")
        started = time.perf_counter()
        authority = _fill()
        print(f"{LIVE:,} live cases and {TOMBSTONES:,} tombstones written in {time.perf_counter() - started:.1f} s.")
        spy = Spy()
        _check_spy(spy)
        _measure(authority, spy)
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            database_drop(DB_NAME)


if __name__ == "__main__":
    main()
