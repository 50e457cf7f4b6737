"""Queue benchmark (`make bench-queue`): prints figures, asserts nothing.

On a throwaway PostgreSQL database (prevent_bench_queue on 127.0.0.1:5432, or BENCH_DB_NAME, created
and dropped here): BENCH_QUEUE_ROWS referrals (100,000 by default) across two councils, in every stage,
each with its MASH assessment (a due date, some assigned, some overdue, flags). The rows are written
with INSERT ... SELECT from generate_series, not through the services: each referral gets a data key
row of its own (the schema wants one per case) holding a dummy wrapped key, and empty ciphertext for
every personal field. Nothing here is ever decrypted, and the queue decrypts nothing, so the rows are
what the queue reads; this database is dropped at the end.

Measured in the same run, interleaved, through Django's test client (the whole middleware stack):
  - the queue, /referrals/queue/, for each tab, as a triage officer of the first council;
  - plain: a Django ListView with a Paginator over the same table (the council's submitted referrals,
    newest first, the same page size), rendered in the same base template.
Prints the median per tab, its ratio to the plain list, and the number of SQL queries of each page.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Replace, not prepend: this file's folder first on the path would make it the standard library's `queue`.
sys.path[0] = str(REPO)

from benchmarks.common import database_drop, database_fresh, database_url, django_setup  # noqa: E402

DB_NAME = os.environ.get("BENCH_DB_NAME", "prevent_bench_queue")
ROWS = int(os.environ.get("BENCH_QUEUE_ROWS", "100000"))
RUNS = int(os.environ.get("BENCH_QUEUE_RUNS", "30"))
WARMUP = 5
PAGE_SIZE = 25
# The goal for every queue page: a median of at most 50 ms, and at most 2x the plain ListView.
GOAL_MS = 50
GOAL_RATIO = 2.0

PLAIN_TEMPLATE = """{% extends "base.html" %}{% block content %}<table class="govuk-table"><tbody>
{% for r in page_obj.object_list %}<tr>
<td><a href="{% url 'referrals:referral-detail' r.reference %}">{{ r.reference }}</a></td>
<td>{{ r.submitted_at|date:"j M Y" }}</td><td>{{ r.get_status_display }}</td></tr>{% endfor %}
</tbody></table>{{ page_obj.number }} of {{ page_obj.paginator.num_pages }}{% endblock %}"""


def _people() -> dict:
    from accounts.models import LocalAuthority, Nation, Role
    from accounts.services.users import user_create_with_membership

    people = {}
    for number, (name, nation) in enumerate((("Bench North", Nation.ENGLAND), ("Bench Vale", Nation.WALES))):
        authority = LocalAuthority.objects.create(name=name, ons_code=f"E0{number}000999", nation=nation)
        for role in (Role.REFERRER, Role.TRIAGE_OFFICER, Role.POLICE_PREVENT_OFFICER):
            user = user_create_with_membership(
                email=f"{number}-{role}@bench.example.org",
                password="a-bench-password-never-used",  # noqa: S106
                local_authority=authority,
                role=role,
            )
            user.display_name = f"Bench {role.label}"
            user.save(update_fields=["display_name"])
            people[(number, role)] = user
        people[number] = authority
    return people


ENCRYPTED_EMPTY = [
    "given_name", "family_name", "other_names", "approximate_age", "gender", "address", "postcode", "contact",
    "first_language", "interpreter_needed", "education_or_employer", "parent_name", "parent_relationship",
    "parent_contact", "parent_address", "referrer_name", "referrer_role", "referrer_organisation", "referrer_phone",
    "referrer_email", "safeguarding_lead_aware", "concern_description", "concern_when", "concern_how_learned",
    "concern_type", "complex_needs", "person_aware", "other_agencies", "immediate_risk", "closing_summary",
]  # fmt: skip


def _fill(people: dict) -> None:
    from django.db import connection

    from accounts.models import Role

    a0, a1 = people[0].pk, people[1].pk
    r0, r1 = people[(0, Role.REFERRER)].pk, people[(1, Role.REFERRER)].pk
    t0, p0 = people[(0, Role.TRIAGE_OFFICER)].pk, people[(0, Role.POLICE_PREVENT_OFFICER)].pk
    empties = ", ".join(ENCRYPTED_EMPTY)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO encryption_datakey (id, created_at, updated_at, kek_id, wrapped_key) "
            "SELECT md5('key' || i)::uuid, now(), now(), 'bench', '\\x00'::bytea FROM generate_series(1, %s) i",
            [ROWS],
        )
        # Stages: 30% submitted, 20% screening, 15% information gathering, 10% with Channel, 25% closed.
        cursor.execute(
            f"INSERT INTO referrals_referral (id, created_at, updated_at, reference, status, referrer_sector, "  # noqa: S608
            f"idempotency_key, submitted_at, closing_reason, possible_repeat_count, {empties}, person_index, "
            "created_by_id, data_key_id, local_authority_id, answers_version) "
            "SELECT md5('ref' || i)::uuid, now(), now(), 'PRV-B-' || lpad(i::text, 7, '0'), "
            "CASE WHEN i %% 20 < 6 THEN 'submitted' WHEN i %% 20 < 10 THEN 'screening' "
            "WHEN i %% 20 < 13 THEN 'information_gathering' WHEN i %% 20 < 15 THEN 'with_channel' ELSE 'closed' END, "
            "'education', '', now() - (i || ' minutes')::interval, "
            "CASE WHEN i %% 20 >= 15 THEN 'NFA_NO_CONCERN' ELSE '' END, (i %% 17 = 0)::int, "
            + ", ".join("''::bytea" for _ in ENCRYPTED_EMPTY)
            + ", md5('person' || i), CASE WHEN i %% 2 = 0 THEN %s ELSE %s END, md5('key' || i)::uuid, "
            "CASE WHEN i %% 2 = 0 THEN %s ELSE %s END, 1 FROM generate_series(1, %s) i",
            [r0, r1, a0, a1, ROWS],
        )
        cursor.execute(
            "INSERT INTO mash_assessment (referral_id, created_at, screening_due_on, under_18, immediate_risk, "
            "assigned_to_id, assigned_at) "
            "SELECT md5('ref' || i)::uuid, now(), (now() - (i || ' minutes')::interval)::date + 7, i %% 5 = 0, "
            "i %% 23 = 0, CASE WHEN i %% 2 = 0 AND i %% 3 = 0 THEN %s WHEN i %% 2 = 0 AND i %% 3 = 1 THEN %s END, "
            "CASE WHEN i %% 3 < 2 THEN now() END FROM generate_series(1, %s) i",
            [t0, p0, ROWS],
        )
        cursor.execute(
            "INSERT INTO referrals_referralattachment (id, created_at, updated_at, referral_id, added_by_id, "
            "file_ref, content_type, size, filename) "
            "SELECT md5('att' || i)::uuid, now(), now(), md5('ref' || i)::uuid, "
            "CASE WHEN i %% 2 = 0 THEN %s ELSE %s END, md5('file' || i), 'application/pdf', 10, ''::bytea "
            "FROM generate_series(1, %s, 7) i",
            [r0, r1, ROWS],
        )
        cursor.execute("ANALYZE")


def _time(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code}")
    return elapsed


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def _measure(people: dict) -> None:
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import Role
    from mash.selectors import TABS

    client = Client()
    officer = people[(0, Role.TRIAGE_OFFICER)]
    client.force_login(officer)
    # The session a sign-in with the second factor leaves (accounts.middleware wants a verified device).
    device = TOTPDevice.objects.create(user=officer, name="Bench authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    urls = {tab.label: f"/referrals/queue/?tab={tab.slug}&per_page={PAGE_SIZE}" for tab in TABS}
    urls["All, by due date"] = f"/referrals/queue/?sort=due&per_page={PAGE_SIZE}"
    urls["All, page 100"] = f"/referrals/queue/?per_page={PAGE_SIZE}&page=100"
    urls["plain ListView"] = "/bench-plain/"
    times: dict[str, list[float]] = {name: [] for name in urls}
    for run in range(WARMUP + RUNS):
        for name, url in urls.items():  # interleaved: a drift of the machine hits every page alike
            elapsed = _time(client, url)
            if run >= WARMUP:
                times[name].append(elapsed)
    plain = statistics.median(times["plain ListView"])
    print(f"{ROWS:,} referrals in two councils; {RUNS} runs after {WARMUP} warm-up; page size {PAGE_SIZE}.")
    print(f"{'page':<28}{'median ms':>10}{'best ms':>9}{'x plain':>9}{'queries':>9}")
    missed = []
    for name, url in urls.items():
        median = statistics.median(times[name])
        line = f"{name:<28}{median * 1000:>10.1f}{min(times[name]) * 1000:>9.1f}{median / plain:>9.2f}"
        print(f"{line}{_queries(client, url):>9}")
        if name != "plain ListView" and (median * 1000 > GOAL_MS or median / plain > GOAL_RATIO):
            missed.append(name)
    pages = len(urls) - 1
    verdict = f"NOT met on {', '.join(missed)}" if missed else "met"
    print(f"Goal: median at most {GOAL_MS} ms and at most {GOAL_RATIO:g}x plain on each of {pages} pages: {verdict}.")
    big = _queries(client, urls["All"].replace(f"per_page={PAGE_SIZE}", "per_page=100"))
    print(f"Queries of the queue with 100 rows a page: {big} (with {PAGE_SIZE}: {_queries(client, urls['All'])}).")


def _plain_view():
    from django.template import engines
    from django.views.generic import ListView

    from referrals.models import Referral

    template = engines["django"].from_string(PLAIN_TEMPLATE)

    class PlainList(ListView):
        paginate_by = PAGE_SIZE

        def get_queryset(self):
            return (
                Referral.objects.filter(local_authority_id=self.request.user.local_authority_id)
                .exclude(status="draft")
                .only("id", "reference", "status", "submitted_at")
                .order_by("-submitted_at")
            )

        def render_to_response(self, context, **kwargs):
            from django.http import HttpResponse

            return HttpResponse(template.render(context, self.request))

    return PlainList.as_view()


def main() -> None:
    database_fresh(DB_NAME)
    keep = os.environ.get("BENCH_QUEUE_KEEP") == "1"  # keep the database to EXPLAIN its queries
    try:
        django_setup(database_url(DB_NAME))
        from django.test.utils import override_settings, setup_test_environment
        from django.urls import include, path

        setup_test_environment()
        module = sys.modules[__name__]
        module.urlpatterns = [path("bench-plain/", _plain_view()), path("", include("config.urls"))]
        people = _people()
        started = time.perf_counter()
        _fill(people)
        print(f"Rows written in {time.perf_counter() - started:.1f} s.")
        with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"]):
            _measure(people)
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            database_drop(DB_NAME)


if __name__ == "__main__":
    main()
