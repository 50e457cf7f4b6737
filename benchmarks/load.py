"""Load benchmark (`make bench-load`): the production shape on this machine, 50 people at once (issue 17).

Starts, all on 127.0.0.1 and all stopped at the end: a throwaway PostgreSQL database (BENCH_DB_NAME,
default prevent_bench_load, created and dropped here), a redis-server of its own on a free port,
gunicorn (BENCH_LOAD_WORKERS workers, default 3 as docker-compose.yml) with production settings and
throwaway keys (benchmarks/load/settings.py adds one bare page), a Celery worker and beat. Seeds the
demo data and BENCH_LOAD_CASES cases (default 10,000) across every stage (benchmarks/load/seed.py),
then runs Locust headless (benchmarks/locustfile.py) for BENCH_LOAD_SECONDS (default 120) with
BENCH_LOAD_USERS people (default 50) pausing 2 to 8 seconds, and prints, per page, the requests,
p50, p95, p99 and errors, then one closing line. Then the saturation runs, without pauses, at
1, 2, 4, 8 and 16 people for BENCH_LOAD_STEP_SECONDS each (default 20): the same mix, and the bare
signed-in page, with requests per second and p95 at each step. Prints figures, asserts nothing.
"""

from __future__ import annotations

import base64
import csv
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Replace, not prepend: this file's folder first on the path would make benchmarks/queue.py the standard `queue`.
sys.path[0] = str(REPO)
BIN = Path(sys.executable).parent
from benchmarks.common import database_drop, database_fresh, database_url  # noqa: E402

DB_NAME = os.environ.get("BENCH_DB_NAME", "prevent_bench_load")
WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS", "3"))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "120"))
USERS = int(os.environ.get("BENCH_LOAD_USERS", "50"))
STEP_SECONDS = int(os.environ.get("BENCH_LOAD_STEP_SECONDS", "20"))
STEPS = [int(n) for n in os.environ.get("BENCH_LOAD_STEPS", "1,2,4,8,16").split(",")]
GOAL_P95_MS = 300
MIX = ["Referrer", "TriageOfficer", "PoliceOfficer", "Chair", "Partner", "Auditor", "ApiClient"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _environment(redis_url: str, web_port: int, folder: Path) -> dict[str, str]:
    """Production settings' whole environment, with keys made for this run only."""
    from encryption.sealing import x25519_private_key_new, x25519_public_key
    from encryption.signing import ed25519_private_key_new, ed25519_public_key

    checkpoint = secrets.token_bytes(32)
    transfer, ctp, ctp_signing = ed25519_private_key_new(), x25519_private_key_new(), ed25519_private_key_new()
    # CTP's private halves as files, where the closure demo seed (acting as CTP: its receipts) reads them.
    keys = folder / ".devkeys"
    keys.mkdir()
    for name, raw in (("transfer_signing.key", transfer), ("ctp.key", ctp), ("ctp_signing.key", ctp_signing)):
        (keys / name).write_text(base64.urlsafe_b64encode(raw).decode() + "\n")
    b64 = lambda raw: base64.urlsafe_b64encode(raw).decode()  # noqa: E731
    origin = f"https://127.0.0.1:{web_port}"
    (folder / "media").mkdir()
    (folder / "checkpoints").mkdir()
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(folder),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,prevent.bench.example",
        "DJANGO_CSRF_TRUSTED_ORIGINS": origin,
        # Passkeys want a domain name (never localhost); nothing here uses them.
        "OTP_WEBAUTHN_RP_ID": "prevent.bench.example",
        "OTP_WEBAUTHN_ALLOWED_ORIGINS": "https://prevent.bench.example",
        "DATABASE_URL": database_url(DB_NAME),
        "REDIS_URL": redis_url,
        "SERVICE_BASE_URL": origin,
        "ENCRYPTION_KEYRING": json.dumps({"active": "bench-1", "keys": {"bench-1": _key()}}),
        "BLIND_INDEX_KEY": _key(),
        "AUDIT_HMAC_KEY": _key(),
        "AUDIT_CHECKPOINT_SIGNING_KEY": b64(checkpoint),
        "AUDIT_CHECKPOINT_PUBLIC_KEY": b64(ed25519_public_key(checkpoint)),
        "AUDIT_CHECKPOINT_DIR": str(folder / "checkpoints"),
        "DEV_KEYS_DIR": str(keys),
        "TRANSFER_SIGNING_KEY": b64(transfer),
        "CTP_PUBLIC_KEY": b64(x25519_public_key(ctp)),
        "CTP_SIGNING_PUBLIC_KEY": b64(ed25519_public_key(ctp_signing)),
        "TRANSFER_TRANSPORT": "drop_folder",
        "TRANSFER_DROP_DIR": str(folder / "drop"),
        "MEDIA_ROOT": str(folder / "media"),
        "BENCH_STATIC_ROOT": str(folder / "static"),
        "DJANGO_EMAIL_URL": "consolemail://",
        # The API's own rate limits (120 submissions an hour per token) would answer the API client's
        # saturation run with 429s: raised for the run, so the bench measures the work, not the limit.
        "API_RATE_USER": "1000000/hour",
        "API_RATE_REFERRAL_CREATE": "1000000/hour",
        "DJANGO_SETTINGS_MODULE": "benchmarks.load.settings",
        "PYTHONPATH": str(REPO),
    }


class Processes:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.running: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = (self.folder / f"{name}.log").open("ab")
        options = {"cwd": REPO, "env": env, "stdout": log, "stderr": log, "start_new_session": True}
        process = subprocess.Popen(command, **options)  # noqa: S603 - our own commands
        self.running.append((name, process))
        return process

    def stop(self) -> None:
        for _name, process in reversed(self.running):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for _name, process in reversed(self.running):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _wait(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own 127.0.0.1 server
                return
        except urllib.error.HTTPError:
            return  # it answers (a 503 from /healthz is an answer)
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"Nothing answered at {url} within {timeout:.0f} seconds.")


def _outbox_drained(timeout: float = 180) -> None:
    """Wait for the worker to send the e-mails the seed queued (the partners' requests, the demo's MASH
    notices): beat's first outbox sweep otherwise sends a few hundred during the run's first 20 seconds,
    which measures the seed's backlog, not a council's steady state."""
    import psycopg

    started = time.monotonic()
    query = "SELECT count(*) FROM core_outboxmessage WHERE dispatched_at IS NULL AND next_attempt_at <= now()"
    with psycopg.connect(database_url(DB_NAME), autocommit=True) as conn:
        while time.monotonic() - started < timeout:
            waiting = conn.execute(query).fetchone()[0]
            if not waiting:
                print(f"The seed's e-mails sent by the worker in {time.monotonic() - started:.0f} s; the run starts.")
                return
            time.sleep(1)
    raise SystemExit(f"The worker left {waiting} of the seed's e-mails unsent after {timeout:.0f} seconds.")


def _locust(host: str, targets: Path, csv_prefix: Path, users: int, seconds: int, classes: list[str], pause: bool):  # noqa: PLR0917
    command = [
        str(BIN / "locust"), "-f", str(REPO / "benchmarks" / "locustfile.py"), "--headless", "--only-summary",
        "-u", str(users), "-r", str(max(1, users // 5)), "-t", f"{seconds}s", "--host", host,
        "--csv", str(csv_prefix), "--loglevel", "WARNING", *classes,
    ]  # fmt: skip
    env = {**os.environ, "LOAD_TARGETS": str(targets), "LOAD_PAUSE": "1" if pause else "0"}
    subprocess.run(command, env=env, cwd=REPO, check=False, capture_output=True)  # noqa: S603
    with (csv_prefix.parent / f"{csv_prefix.name}_stats.csv").open() as handle:
        return list(csv.DictReader(handle))


def _report(rows: list[dict]) -> None:
    print(f"{'Page or endpoint':58} {'requests':>8} {'p50':>6} {'p95':>6} {'p99':>6} {'errors':>6}")
    pages = [row for row in rows if row["Name"] != "Aggregated"]
    for row in sorted(pages, key=lambda r: -float(r["95%"] or 0)):
        print(
            f"{row['Name'][:58]:58} {row['Request Count']:>8} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6} "
            f"{row['Failure Count']:>6}"
        )
    worst = max(pages, key=lambda r: float(r["95%"] or 0))
    errors = sum(int(row["Failure Count"]) for row in pages)
    total = next(row for row in rows if row["Name"] == "Aggregated")
    print(
        f"Closing: worst p95 {worst['95%']} ms ({worst['Name']}), total errors {errors} of {total['Request Count']} "
        f"requests, {float(total['Requests/s']):.1f} requests/s; goal p95 <= {GOAL_P95_MS} ms and 0 errors: "
        f"{'met' if float(worst['95%']) <= GOAL_P95_MS and errors == 0 else 'NOT met'}."
    )


def _saturation(host: str, targets: Path, folder: Path) -> None:
    print(f"\nSaturation (no pauses, {STEP_SECONDS} s per step): requests/s and p95 (ms) at each number of people")
    best = {}
    for label, classes in (("mix", MIX), ("bare", ["Bare"])):
        for users in STEPS:
            rows = _locust(host, targets, folder / f"sat-{label}-{users}", users, STEP_SECONDS, classes, pause=False)
            total = next(row for row in rows if row["Name"] == "Aggregated")
            rps, p95, errors = float(total["Requests/s"]), float(total["95%"] or 0), int(total["Failure Count"])
            print(f"  {label:4} {users:3} people: {rps:7.1f} requests/s, p95 {p95:5.0f} ms, errors {errors}")
            if p95 <= GOAL_P95_MS:
                best[label] = max(best.get(label, 0.0), rps)
    mix, bare = best.get("mix", 0.0), best.get("bare", 0.0)
    ratio = f"{mix / bare:.0%} of the bare page" if bare else "no bare figure"
    print(f"Closing (saturation): mix {mix:.1f} requests/s at p95 <= {GOAL_P95_MS} ms, bare page {bare:.1f}: {ratio}.")


def main() -> None:  # noqa: PLR0915
    for binary in ("redis-server",):
        if shutil.which(binary) is None:
            raise SystemExit(f"make bench-load needs {binary}.")
    if not (BIN / "locust").exists() or not (BIN / "gunicorn").exists():
        raise SystemExit("Install requirements/bench.txt (make bench-load does) for locust and gunicorn.")
    folder = Path(tempfile.mkdtemp(prefix="prevent-bench-load-"))
    processes = Processes(folder)
    redis_port, web_port = _free_port(), _free_port()
    host = f"http://127.0.0.1:{web_port}"
    env = _environment(f"redis://127.0.0.1:{redis_port}/0", web_port, folder)
    database_fresh(DB_NAME)
    try:
        processes.start("redis", ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", ""], env)
        started = time.monotonic()
        python = str(BIN / "python")
        targets = folder / "targets.json"
        # The seed runs in production's environment, which holds none of this shell's: it is given the number of cases.
        seed_env = {
            **env,
            "DJANGO_SETTINGS_MODULE": "benchmarks.load.seed_settings",
            "BENCH_LOAD_CASES": os.environ.get("BENCH_LOAD_CASES", "10000"),
        }
        for command, command_env in (
            (["manage.py", "migrate", "--noinput", "-v", "0"], env),
            (["manage.py", "collectstatic", "--noinput", "-v", "0"], env),
            (["-m", "benchmarks.load.seed", str(targets)], seed_env),
        ):
            subprocess.run([python, *command], cwd=REPO, env=command_env, check=True)  # noqa: S603 - our own
        seeded = json.loads(targets.read_text())["counts"]["cases"]
        print(f"Seeded {seeded} cases in {time.monotonic() - started:.0f} s (folder {folder}).")
        processes.start(
            "gunicorn",
            [str(BIN / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{web_port}",
             "--workers", str(WORKERS), "--timeout", "60"],
            env,
        )  # fmt: skip
        processes.start("worker", [python, "-m", "celery", "--app", "config", "worker", "--loglevel", "WARNING"], env)
        beat_schedule = str(folder / "beat-schedule")
        processes.start("beat", [python, "-m", "celery", "--app", "config", "beat", "-s", beat_schedule], env)
        _wait(f"{host}/healthz")
        _outbox_drained()
        load = os.getloadavg()
        print(
            f"gunicorn {WORKERS} sync workers, CONN_MAX_AGE 60 (production default), Celery worker and beat; "
            f"{USERS} people for {SECONDS} s, pauses 2-8 s. Load average before: {load[0]:.2f}, {load[1]:.2f}."
        )
        rows = _locust(host, targets, folder / "main", USERS, SECONDS, MIX, pause=True)
        _report(rows)
        print(f"Load average after: {', '.join(f'{value:.2f}' for value in os.getloadavg()[:2])}.")
        if STEPS and STEP_SECONDS:
            _saturation(host, targets, folder)
    finally:
        processes.stop()
        time.sleep(1)
        database_drop(DB_NAME)
        print(f"Stopped everything it started; logs in {folder}.")


if __name__ == "__main__":
    main()
