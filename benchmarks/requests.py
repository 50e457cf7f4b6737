"""Per-request cost of the signed-in pages, in-process: `make bench-requests`.

Django's test client against a throwaway PostgreSQL database (benchmarks/common.py), the test settings (DEBUG off,
the cached template loader) with the load benchmark's URLconf, so the bare signed-in page (/bench/bare/) is measured
beside the service's pages. Seeds the demo data and BENCH_REQUESTS_CASES bulk cases (benchmarks/queue.py's writer),
then for each page: warm-up requests, then RUNS requests, each timed (CPU of this process, and wall clock) with its
statements counted. Prints the median of each and the ratio to the bare page's CPU.

Run it on a quiet machine for absolute figures; on a shared one, compare ratios within a run.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[0] = str(REPO)  # in place of benchmarks/, whose queue.py would shadow the standard library

from benchmarks import common  # noqa: E402

DATABASE = os.environ.get("BENCH_DB_NAME", "prevent_bench_requests")
CASES = int(os.environ.get("BENCH_REQUESTS_CASES", "2000"))
RUNS = int(os.environ.get("BENCH_REQUESTS_RUNS", "200"))
WARMUP = 20
# BENCH_REQUESTS_KEEP=1: keep the database and reuse its seed on the next run (comparing a change, not timing a seed).
KEEP = os.environ.get("BENCH_REQUESTS_KEEP") == "1"
# The journey's name page, as the load benchmark's referrers answer it.
ANSWERS = {"given_name": "Robin", "family_name": "Example", "other_names": "", "continue": "1"}
PROFILE = os.environ.get("BENCH_REQUESTS_PROFILE", "").split(",")


def _seed() -> dict:
    """The demo councils and cases, CASES bulk cases, and what the pages below need."""
    from django.core.management import call_command

    from accounts.models import Role
    from referrals.models import Referral

    for command in ("seed_demo", "seed_demo_referrals", "seed_demo_mash", "seed_demo_channel"):
        call_command(command, verbosity=0)
    authorities, users = common.demo_councils_and_users()
    common.bulk_cases_fill(authorities, users, CASES)
    case = (
        Referral.objects.filter(local_authority=authorities[0])
        .exclude(status="draft")
        .exclude(reference__startswith="PRV-B-")
    )
    return {"users": {role: users[(0, role)] for role in Role}, "case": case.order_by("submitted_at").first()}


def _seeded() -> dict | None:
    """What _seed returns, from a database it seeded before (BENCH_REQUESTS_KEEP), or None."""
    from accounts.models import Role, User
    from accounts.services.users import DEMO_AUTHORITIES, demo_email
    from referrals.models import Referral

    users = {
        role: User.objects.filter(email=demo_email(role, DEMO_AUTHORITIES[0].email_prefix)).first() for role in Role
    }
    if None in users.values() or not Referral.objects.filter(reference__startswith="PRV-B-").exists():
        return None
    case = Referral.objects.filter(local_authority=users[Role.REFERRER].membership.local_authority)
    case = case.exclude(status="draft").exclude(reference__startswith="PRV-B-").order_by("submitted_at").first()
    return {"users": users, "case": case}


def _client(user):  # noqa: ANN202
    """A signed-in client with a verified second factor, as sign-in leaves it."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.middleware import session_stamp

    client = Client(HTTP_X_FORWARDED_PROTO="https")
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Bench authenticator", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id

    class _Request:
        pass

    holder = _Request()
    holder.session = session
    session_stamp(holder, user)
    session.save()
    return client


def _profile(client, method: str, url: str, data: dict | None = None) -> None:  # noqa: ANN001
    """BENCH_REQUESTS_PROFILE=1: a sampling profile (SIGPROF every millisecond of CPU) of RUNS requests; prints the
    functions found on the most samples' stacks (inclusive), which cProfile's per-call cost would distort."""
    import collections
    import signal

    counts: collections.Counter = collections.Counter()
    samples = [0]

    def sample(signum, frame) -> None:  # noqa: ANN001, ARG001
        samples[0] += 1
        seen = set()
        while frame is not None:
            code = frame.f_code
            key = f"{Path(code.co_filename).parent.name}/{Path(code.co_filename).name}:{code.co_name}"
            if key not in seen:
                seen.add(key)
                counts[key] += 1
            frame = frame.f_back

    signal.signal(signal.SIGPROF, sample)
    signal.setitimer(signal.ITIMER_PROF, 0.001, 0.001)
    try:
        for _ in range(RUNS):
            client.post(url, data) if method == "POST" else client.get(url)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)
    for key, count in counts.most_common(int(os.environ.get("BENCH_REQUESTS_PROFILE_TOP", "45"))):
        print(f"    {100 * count / samples[0]:5.1f} %  {key}")


def _measure(client, method: str, url: str, data: dict | None = None) -> tuple[float, float, float]:  # noqa: ANN001
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cpu, wall, statements = [], [], []
    for run in range(WARMUP + RUNS):
        connection.queries_log.clear()  # a full log (9,000) would make the count read 0
        with CaptureQueriesContext(connection) as queries:
            started_cpu, started = time.process_time(), time.perf_counter()
            response = client.post(url, data) if method == "POST" else client.get(url)
            finished_cpu, finished = time.process_time(), time.perf_counter()
        if response.status_code not in (200, 302):
            raise SystemExit(f"{method} {url}: {response.status_code}")
        if run >= WARMUP:
            cpu.append((finished_cpu - started_cpu) * 1000)
            wall.append((finished - started) * 1000)
            statements.append(len(queries))
    return statistics.median(cpu), statistics.median(wall), statistics.mean(statements)


def _draft_page(user) -> str:  # noqa: ANN001
    from referrals.services import referral_draft_create

    draft = referral_draft_create(actor=user, local_authority=user.membership.local_authority)
    return f"/referrals/draft/{draft.pk}/name/"


def main() -> None:
    if not KEEP:
        common.database_fresh(DATABASE)
    try:
        common.django_setup(common.database_url(DATABASE))
        from django.test.utils import override_settings

        override_settings(ROOT_URLCONF="benchmarks.load.urls", ALLOWED_HOSTS=["*"]).enable()
        from accounts.models import Role

        seeded = _seeded() if KEEP else None
        seeded = seeded or _seed()
        users = seeded["users"]
        pages = [("bare page", Role.REFERRER, "GET", "/bench/bare/")]
        pages += [(f"home: {role.label}", role, "GET", "/") for role in Role]
        pages += [
            ("queue", Role.TRIAGE_OFFICER, "GET", "/referrals/queue/"),
            ("case page", Role.TRIAGE_OFFICER, "GET", f"/referrals/{seeded['case'].reference}/"),
            ("question page", Role.REFERRER, "GET", None),
            ("question page POST", Role.REFERRER, "POST", None),
        ]
        print(f"{CASES:,} bulk cases; {RUNS} runs after {WARMUP}; load average {os.getloadavg()[0]:.1f}")
        print(f"{'page':32} {'CPU ms':>8} {'wall ms':>8} {'stmts':>6} {'x bare':>7}")
        bare = None
        for label, role, method, url in pages:
            client = _client(users[role])
            data = ANSWERS if method == "POST" else None
            cpu, wall, statements = _measure(client, method, url or _draft_page(users[role]), data)
            bare = bare or cpu
            print(f"{label:32} {cpu:8.2f} {wall:8.2f} {statements:6.1f} {cpu / bare:7.2f}")
            if os.environ.get("BENCH_REQUESTS_PROFILE") and label in PROFILE:
                _profile(client, method, url or _draft_page(users[role]), data)
        print(f"load average {os.getloadavg()[0]:.1f}")
    finally:
        from django.db import connections

        connections.close_all()
        if not KEEP:
            common.database_drop(DATABASE)


if __name__ == "__main__":
    main()
