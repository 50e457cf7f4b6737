"""Submit benchmark (`make bench-submit`): prints figures, asserts nothing.

On a throwaway PostgreSQL database (prevent_bench_submit on 127.0.0.1:5432, or BENCH_DB_NAME,
created and dropped here), in the same run and interleaved:
  - service: `referrals.services.referral_create_submitted` with a complete referral (validation,
    a data key of its own, every personal field encrypted, the blind person index, the reference allocated,
    the repeat check, the MASH assessment, the audit event, the MASH e-mail's outbox row, which the
    relay (outbox_sweep on beat) sends later, as in production: the e-mail is not on a request's path
    and is not timed);
  - plain: a Django ModelForm of the same fields on an unencrypted, unaudited table, `is_valid()`
    then `save()` (one INSERT, autocommitted).
Prints the median and best time per submission on each side, their ratio, the median CPU time of this
process per submission on each side (with the load average, since the wall clock follows it), and the SQL statements
of one submission on each side (BEGIN, COMMIT and SAVEPOINT included), as Django's query log
records them. Both sides use Django's public API only: the service's rows are the ORM's own
INSERTs, plus the hand-written reference upsert and audit chain statements.
Both sides share one connection, with the settings' options (config.settings.base.postgresql_binding:
server-side binding, statements prepared from their sixth run). BENCH_DB_QUERY adds options to it, for
example "?server_side_binding=false" to time client-side binding (which never prepares) instead.
"""

from __future__ import annotations

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[0] = str(REPO)  # in place of benchmarks/, whose queue.py would shadow the standard library

from benchmarks.common import HOST, PORT, database_drop, database_fresh, database_url, django_setup  # noqa: E402

DB_NAME = os.environ.get("BENCH_DB_NAME", "prevent_bench_submit")
BROKER_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
QUEUE = "bench-submit"
SUBMISSIONS = int(os.environ.get("BENCH_SUBMISSIONS", "300"))
WARMUP = 30


def _setup_django() -> None:
    django_setup(database_url(DB_NAME) + os.environ.get("BENCH_DB_QUERY", ""))
    from config.celery_app import app

    # Production's path: tasks are queued on the broker, not run inline as the test settings do.
    app.conf.update(task_always_eager=False, broker_url=BROKER_URL, task_default_queue=QUEUE)


def _drop_queue() -> None:
    from config.celery_app import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_delete(QUEUE)


def _plain_model() -> type:
    """The same fields, unencrypted, unaudited: what a plain Django app would store."""
    from django.db import connection, models

    from referrals.validation import ANSWERS

    fields = {
        "__module__": __name__,
        "Meta": type("Meta", (), {"app_label": "referrals", "db_table": "bench_plain_referral"}),
        "created_at": models.DateTimeField(auto_now_add=True),
    }
    for name, spec in ANSWERS.items():
        if spec.kind == "date":
            fields[name] = models.DateField(null=True, blank=True)
        elif spec.kind == "choices":
            fields[name] = models.JSONField(null=True, blank=True)
        elif spec.max_length > 500:  # noqa: PLR2004 - long text
            fields[name] = models.TextField(max_length=spec.max_length, blank=True)
        else:
            fields[name] = models.CharField(max_length=spec.max_length or 10, blank=True)
    model = type("BenchPlainReferral", (models.Model,), fields)
    with connection.schema_editor() as editor:
        editor.create_model(model)
    return model


def _answers(number: int) -> dict:
    """A complete adult referral; each submission is about a different person (another date of birth),
    as in real intake, so the repeat check counts a person's few earlier referrals, not every one made."""
    from tests.referrals.factories import adult_answers

    return adult_answers(date_of_birth=datetime.date(1960, 1, 1) + datetime.timedelta(days=number))


def _runners() -> tuple:
    from django import forms

    from accounts.models import LocalAuthority, Nation, Role
    from accounts.services import user_create_with_membership
    from encryption.scope import data_key_scope
    from referrals.services import referral_create_submitted

    authority = LocalAuthority.objects.create(
        name="Bench Council", ons_code="E10000999", nation=Nation.ENGLAND, mash_email="mash@bench.example.org"
    )
    user = user_create_with_membership(
        email="bench@example.org", password=None, local_authority=authority, role=Role.REFERRER
    )
    model = _plain_model()
    people = [_answers(n) for n in range(2 * (WARMUP + SUBMISSIONS) + 2)]
    form_class = forms.modelform_factory(model, fields=[f.name for f in model._meta.fields if f.editable][1:])
    forms_data = [{k: ("" if v is None else v) for k, v in answers.items()} for answers in people]
    # Both sides take the same people in the same order.
    next_service, next_plain = iter(people), iter(forms_data)

    def service() -> None:
        with data_key_scope():  # what the request middleware gives every request
            referral_create_submitted(actor=user, answers=dict(next(next_service)))

    def plain() -> None:
        form = form_class(data=next(next_plain))
        if not form.is_valid():
            raise SystemExit(f"plain form invalid: {sorted(form.errors)}")
        form.save()

    return service, plain


def _statements(run: object) -> list[str]:
    """Every statement of one run, from Django's query log (which includes BEGIN and COMMIT)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    return [query["sql"][:100] for query in captured.captured_queries]


def _time(service: object, plain: object) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wall-clock and this process's CPU time per submission on each side (the CPU time is the Python,
    the driver included; it moves far less with the machine's load than the wall clock does)."""
    times: dict[str, list[float]] = {"service": [], "plain": []}
    cpu: dict[str, list[float]] = {"service": [], "plain": []}
    for _ in range(WARMUP):
        service()
        plain()
    for _ in range(SUBMISSIONS):
        for name, run in (("service", service), ("plain", plain)):
            start, start_cpu = time.perf_counter(), time.thread_time()
            run()
            times[name].append(time.perf_counter() - start)
            cpu[name].append(time.thread_time() - start_cpu)
    return times, cpu


def main() -> None:
    database_fresh(DB_NAME)
    try:
        _setup_django()
        service, plain = _runners()
        times, cpu = _time(service, plain)
        service_sql, plain_sql = _statements(service), _statements(plain)
        from django.db import connection

        connection.close()
        _drop_queue()
    finally:
        database_drop(DB_NAME)
    med = {name: statistics.median(values) * 1000 for name, values in times.items()}
    best = {name: min(values) * 1000 for name, values in times.items()}
    print(f"PostgreSQL {HOST}:{PORT}, {SUBMISSIONS} submissions each, interleaved, after {WARMUP} warm-up")  # noqa: T201
    for name in ("service", "plain"):
        print(f"  {name:8} median {med[name]:.3f} ms   best {best[name]:.3f} ms")  # noqa: T201
    ratio_median, ratio_best = med["service"] / med["plain"], best["service"] / best["plain"]
    print(f"  ratio service/plain: median {ratio_median:.2f}x, best {ratio_best:.2f}x")  # noqa: T201
    cpu_med = {name: statistics.median(values) * 1000 for name, values in cpu.items()}
    print(  # noqa: T201
        f"  CPU of this process per submission, median: service {cpu_med['service']:.3f} ms, "
        f"plain {cpu_med['plain']:.3f} ms ({cpu_med['service'] / cpu_med['plain']:.2f}x); load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    print(f"  SQL statements per submission: service {len(service_sql)}, plain {len(plain_sql)}")  # noqa: T201
    for line in service_sql:
        print(f"    service: {line}")  # noqa: T201
    for line in plain_sql:
        print(f"    plain:   {line}")  # noqa: T201


if __name__ == "__main__":
    main()
