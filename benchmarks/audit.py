"""Audit benchmark (`make bench-audit`): prints figures, asserts nothing.

On a throwaway PostgreSQL database (prevent_bench_audit on 127.0.0.1:5432, created and
dropped here), events per second with 1 and 8 writer processes for:
  - `audit.record` (the application's path: Django ORM, chained, one transaction per event);
  - the same transaction shape as raw SQL with psycopg (lock the chain head, insert,
    update the head, commit), with the same MAC computed: the limit of one serialised
    chain with synchronous commit;
  - plain unchained inserts (one autocommitted INSERT per event into a copy of the table).
Then the chain is filled to 100,000 events and verified (in-process and `manage.py verify_audit`).
Writers are processes, not threads, so the GIL does not stretch the time the head is held.
"""

from __future__ import annotations

import itertools
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[0] = str(REPO)  # in place of benchmarks/, whose queue.py would shadow the standard library

from benchmarks.common import HOST, PORT, USER, database_drop, database_fresh, database_url, django_setup  # noqa: E402

DB_NAME = "prevent_bench_audit"
DSN = f"host={HOST} port={PORT} user={USER} dbname={DB_NAME}"
DATABASE_URL = database_url(DB_NAME)
EVENTS_ONE_WRITER = int(os.environ.get("BENCH_EVENTS_ONE", "400"))
EVENTS_PER_WRITER = int(os.environ.get("BENCH_EVENTS_EACH", "100"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
WRITERS = 8
VERIFY_TARGET = 100_000
REFERENCE = "PRV-2026-000001"
COLUMNS = (
    "sequence, occurred_at, actor_id, actor_role, local_authority_id, action, outcome, target_type, target_id, "
    "case_reference, reason_code, details, request_id, previous_mac, mac"
)
INSERT_CHAINED = f"INSERT INTO audit_auditevent ({COLUMNS}) VALUES ({', '.join(['%s'] * 15)})"  # noqa: S608
INSERT_PLAIN = f"INSERT INTO bench_plain_event ({COLUMNS}) VALUES ({', '.join(['%s'] * 15)})"  # noqa: S608


def _fields(i: int) -> dict:
    """The same event content on every path: a draft save with a reason code and details."""
    return {
        "actor_id": 7,
        "actor_role": "triage_officer",
        "local_authority_id": 1,
        "action": "REFERRAL_DRAFT_SAVED",
        "outcome": "done",
        "target_type": "",
        "target_id": "",
        "case_reference": REFERENCE,
        "reason_code": "BENCH",
        "details": {"fields_changed": i % 10},
        "request_id": f"bench-{i:08d}",
    }


# --- writer bodies (run in child processes) ----------------------------------------------


def _write_record(count: int) -> None:
    from audit import services as audit

    class Actor:
        pk, is_authenticated, role, local_authority_id = 7, True, "triage_officer", 1

    for i in range(count):
        audit.record(
            actor=Actor,
            action=audit.AuditAction.REFERRAL_DRAFT_SAVED,
            case_reference=REFERENCE,
            reason_code="BENCH",
            details={"fields_changed": i % 10},
        )


def _row(fields: dict, occurred_at: object) -> tuple:
    from audit import chain

    values = [occurred_at, *(fields[name] for name in chain.BODY_FIELDS[1:])]
    return values, chain.body([chain.micros(occurred_at), *values[1:]])


def _write_raw(count: int) -> None:
    import psycopg
    from django.utils import timezone
    from psycopg.types.json import Jsonb

    from audit import chain

    key = chain.hmac_key()
    with psycopg.connect(DSN) as conn, conn.cursor() as cursor:
        for i in range(count):
            values, body = _row(_fields(i), timezone.now())
            cursor.execute("SELECT sequence, mac FROM audit_chainhead WHERE id = 1 FOR UPDATE")
            sequence, previous = cursor.fetchone()
            sequence += 1
            mac = chain.mac(key, sequence, previous, body)
            row = list(values)
            row[10] = Jsonb(row[10])
            cursor.execute(INSERT_CHAINED, [sequence, *row, previous, mac])
            cursor.execute("UPDATE audit_chainhead SET sequence = %s, mac = %s WHERE id = 1", [sequence, mac])
            conn.commit()


def _write_plain(count: int) -> None:
    import psycopg
    from django.utils import timezone
    from psycopg.types.json import Jsonb

    with psycopg.connect(DSN, autocommit=True) as conn, conn.cursor() as cursor:
        for i in range(count):
            number = next(_PLAIN_KEYS)
            fields = _fields(i)
            row = [timezone.now(), *(fields[name] for name in list(fields))]
            row[10] = Jsonb(row[10])
            cursor.execute(INSERT_PLAIN, [number, *row, str(number), "0" * 64])


# Unique keys for the unchained table across every run of every writer process.
_PLAIN_KEYS = itertools.count(os.getpid() * 10_000_000)
WRITER_BODIES = {"record": _write_record, "raw": _write_raw, "plain": _write_plain}


def _worker_loop(jobs: mp.Queue, results: mp.Queue) -> None:
    """A writer process, set up and connected once (as a pooled web worker would be), running jobs until None."""
    django_setup(DATABASE_URL, migrate=False)
    from django.db import connection

    connection.ensure_connection()
    results.put("ready")
    while (job := jobs.get()) is not None:
        kind, count, start_at = job
        while time.time() < start_at:
            time.sleep(0.0005)
        started = time.time()
        try:
            WRITER_BODIES[kind](count)
        except Exception as error:  # noqa: BLE001 - reported to the parent, which stops
            results.put(("failed", repr(error), 0))
            continue
        results.put((started, time.time(), count))
    connection.close()


class Writers:
    """WRITERS long-lived writer processes; run() starts n of them on the same instant."""

    def __init__(self, count: int) -> None:
        context = mp.get_context("spawn")
        self.results = context.Queue()
        self.queues = [context.Queue() for _ in range(count)]
        self.processes = [context.Process(target=_worker_loop, args=(q, self.results)) for q in self.queues]
        for process in self.processes:
            process.start()
        for _ in self.processes:
            self.results.get(timeout=300)

    def run(self, kind: str, writers: int, each: int) -> float:
        """Events per second, from the first writer's start to the last writer's finish."""
        start_at = time.time() + 0.5
        for queue in self.queues[:writers]:
            queue.put((kind, each, start_at))
        finished = [self.results.get(timeout=600) for _ in range(writers)]
        failures = [item[1] for item in finished if item[0] == "failed"]
        if failures:
            raise RuntimeError(f"{kind} writer failed: {failures[0]}")
        first = min(item[0] for item in finished)
        last = max(item[1] for item in finished)
        return sum(item[2] for item in finished) / (last - first)

    def close(self) -> None:
        for queue in self.queues:
            queue.put(None)
        for process in self.processes:
            process.join(timeout=60)


# --- filling and verifying ------------------------------------------------------------------


def fill_to(target: int) -> int:
    """Append chained events with correct MACs in one transaction (COPY) until the chain holds `target`."""
    import psycopg
    from django.utils import timezone
    from psycopg.types.json import Jsonb

    from audit import chain

    key = chain.hmac_key()
    with psycopg.connect(DSN) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT sequence, mac FROM audit_chainhead WHERE id = 1 FOR UPDATE")
        sequence, previous = cursor.fetchone()
        added = 0
        with cursor.copy(f"COPY audit_auditevent ({COLUMNS}) FROM STDIN") as copy:  # noqa: S608
            while sequence < target:
                sequence += 1
                values, body = _row(_fields(sequence), timezone.now())
                mac = chain.mac(key, sequence, previous, body)
                row = list(values)
                row[10] = Jsonb(row[10])
                copy.write_row([sequence, *row, previous, mac])
                previous = mac
                added += 1
        cursor.execute("UPDATE audit_chainhead SET sequence = %s, mac = %s WHERE id = 1", [sequence, previous])
        conn.commit()
    return added


def verify_figures() -> tuple[object, float, float, str]:
    from django.db import connection

    from audit.verification import chain_check

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE audit_auditevent")
    started = time.perf_counter()
    report = chain_check()
    in_process = time.perf_counter() - started
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": DATABASE_URL}
    started = time.perf_counter()
    command = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(REPO / "manage.py"), "verify_audit"], env=env, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    return report, in_process, wall, (command.stdout + command.stderr).strip() + f" (exit {command.returncode})"


def prepare() -> None:
    database_fresh(DB_NAME)
    django_setup(DATABASE_URL)
    from django.db import connection

    with connection.cursor() as cursor:
        # The unchained peer: the same columns and indexes, no triggers, no chain.
        cursor.execute("CREATE TABLE bench_plain_event (LIKE audit_auditevent INCLUDING ALL)")
        cursor.execute("SHOW synchronous_commit")
        print(f"PostgreSQL synchronous_commit = {cursor.fetchone()[0]}; {os.cpu_count()} CPUs")
    connection.close()


def measure(writers: Writers) -> dict[tuple[str, int], float]:
    """Median of ROUNDS interleaved runs of each path, so bursts of machine load hit every path alike."""
    samples: dict[tuple[str, int], list[float]] = {}
    for _ in range(ROUNDS):
        for kind in ("record", "raw", "plain"):
            samples.setdefault((kind, 1), []).append(writers.run(kind, 1, EVENTS_ONE_WRITER))
            samples.setdefault((kind, WRITERS), []).append(writers.run(kind, WRITERS, EVENTS_PER_WRITER))
    return {key: statistics.median(values) for key, values in samples.items()}


def report(figures: dict[tuple[str, int], float]) -> None:
    labels = {
        "record": "audit.record (Django, chained)",
        "raw": "raw SQL, same shape (psycopg)",
        "plain": "plain unchained INSERT",
    }
    print(f"\nevents per second, median of {ROUNDS} interleaved rounds")
    print(f"{'path':34} {'1 writer':>10} {f'{WRITERS} writers':>10}")
    for kind, label in labels.items():
        print(f"{label:34} {figures[kind, 1]:10,.0f} {figures[kind, WRITERS]:10,.0f}")
    for writers in (1, WRITERS):
        share = figures["record", writers] / figures["raw", writers]
        print(f"audit.record / raw SQL, {writers} writer(s): {share:.0%}" + (" (goal >= 60%)" if writers > 1 else ""))


def main() -> None:
    prepare()
    writers = None
    try:
        writers = Writers(WRITERS)
        report(measure(writers))
        writers.close()
        writers = None
        from audit.models import AuditEvent

        written = 2 * ROUNDS * (EVENTS_ONE_WRITER + WRITERS * EVENTS_PER_WRITER)  # record + raw, chained
        print(f"chained events written {written:,}, in the table {AuditEvent.objects.count():,}")
        added = fill_to(VERIFY_TARGET)
        check, in_process, wall, output = verify_figures()
        print(f"\nFilled the chain with {added:,} more events (COPY) to {check.verified:,}; no fork: {check.intact}.")
        print(f"chain_check: intact={check.intact}, {check.verified:,} events in {in_process:.2f} s (goal < 5 s)")
        print(f"manage.py verify_audit (whole process {wall:.2f} s): {output}")
    finally:
        if writers is not None:
            writers.close()
        from django.db import connection

        connection.close()
        database_drop(DB_NAME)


if __name__ == "__main__":
    main()
