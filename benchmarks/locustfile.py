"""The people of `make bench-load` (benchmarks/load.py starts the service and runs this headless).

Every person holds a signed-in, verified session made by the seed (benchmarks/load/seed.py): the
production settings' cookies are Secure and the service sits behind a TLS proxy, so each request says
X-Forwarded-Proto: https, carries its cookies itself, and a POST sends the Origin the CSRF check wants.
Pauses of 2 to 8 seconds between actions (LOAD_PAUSE=0: none, for the saturation runs).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import uuid

from locust import HttpUser, between, constant, task

TARGETS = json.loads(open(os.environ["LOAD_TARGETS"]).read())  # noqa: PTH123, SIM115
PAUSE = os.environ.get("LOAD_PAUSE", "1") != "0"
REQUEST_LINK = re.compile(r'href="/requests/([0-9a-f-]{36})/"')
VERSION = re.compile(r'name="answers_version"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="answers_version"')


class Person(HttpUser):
    abstract = True
    role = ""
    wait_time = between(2, 8) if PAUSE else constant(0)

    def session_key(self) -> str:
        return random.choice(TARGETS["sessions"][self.role])  # noqa: S311

    def on_start(self) -> None:
        session = self.session_key()
        self.client.headers.update(
            {
                "X-Forwarded-Proto": "https",
                "Origin": f"https://{self.host.split('://', 1)[1]}",
                "Cookie": f"__Secure-sessionid={session}; __Secure-csrftoken={TARGETS['csrf']}",
            }
        )

    def get(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:  # noqa: PLR2004
                response.failure(f"{response.status_code}")

    def post(self, url: str, data: dict, name: str, expect: int = 302):  # noqa: ANN201
        data = {**data, "csrfmiddlewaretoken": TARGETS["csrf"]}
        with self.client.post(url, data=data, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code}")
            return response


class Referrer(Person):
    weight = 10
    role = "referrer"

    @task(3)
    def home(self) -> None:
        self.get("/", "GET / (home)")
        self.get("/referrals/", "GET /referrals/ (my referrals)")

    @task(1)
    def refer(self) -> None:
        """The journey: start, every question page, the check page, submit."""
        started = self.post("/referrals/start/", {}, "POST /referrals/start/")
        draft = re.search(r"/referrals/draft/([0-9a-f-]{36})/", started.headers.get("Location", ""))
        if draft is None:
            return
        base = f"/referrals/draft/{draft.group(1)}"
        for slug, data in TARGETS["journey"]:
            self.get(f"{base}/{slug}/", "GET /referrals/draft/[id]/[step]/")
            self.post(f"{base}/{slug}/", {**data, "continue": "1"}, "POST /referrals/draft/[id]/[step]/")
        page = self.client.get(f"{base}/check/", name="GET /referrals/draft/[id]/check/", allow_redirects=False)
        found = VERSION.search(page.text or "")
        version = (found.group(1) or found.group(2)) if found else ""
        answers = {"declaration": "on", "answers_version": version}
        self.post(f"{base}/check/", answers, "POST /referrals/draft/[id]/check/")


class CaseWorker(Person):
    abstract = True

    @task(3)
    def queue(self) -> None:
        self.get("/referrals/queue/", "GET /referrals/queue/")

    @task(2)
    def queue_page(self) -> None:
        self.get(f"/referrals/queue/?page={random.randint(2, 20)}", "GET /referrals/queue/?page=N")  # noqa: S311

    @task(4)
    def case(self) -> None:
        self.get(f"/referrals/{random.choice(TARGETS['cases'])}/", "GET /referrals/[reference]/")  # noqa: S311


class TriageOfficer(CaseWorker):
    weight = 10
    role = "triage_officer"


class PoliceOfficer(CaseWorker):
    weight = 5
    role = "police_prevent_officer"


class Chair(Person):
    weight = 5
    role = "channel_chair"

    @task(1)
    def panels(self) -> None:
        self.get("/channel/panels/", "GET /channel/panels/")

    @task(1)
    def cases(self) -> None:
        self.get("/channel/", "GET /channel/ (cases)")

    @task(3)
    def meeting(self) -> None:
        if TARGETS["meetings"]:
            self.get(f"/channel/meetings/{random.choice(TARGETS['meetings'])}/", "GET /channel/meetings/[id]/")  # noqa: S311


class Partner(Person):
    """A partner contributor: their list, a request, and answering one (the real form post).

    Each simulated partner is a person of their own (one seeded session each, taken in turn), so two never
    answer the same request; the requests to open and answer are the ones their list shows.
    """

    weight = 8
    role = "partner_contributor"
    taken = itertools.count()

    def on_start(self) -> None:
        sessions = TARGETS["sessions"][self.role]
        self.session = sessions[next(Partner.taken) % len(sessions)]
        super().on_start()
        self.open: list[str] = []

    def session_key(self) -> str:
        return self.session

    @task(2)
    def requests(self) -> None:
        with self.client.get("/requests/", name="GET /requests/", catch_response=True) as response:
            if response.status_code != 200:  # noqa: PLR2004
                response.failure(f"{response.status_code}")
                return
            self.open = REQUEST_LINK.findall(response.text or "")

    @task(2)
    def request(self) -> None:
        if self.open:
            self.get(f"/requests/{random.choice(self.open)}/", "GET /requests/[id]/")  # noqa: S311

    @task(1)
    def answer(self) -> None:
        if not self.open:
            return
        request_id = self.open.pop(random.randrange(len(self.open)))  # noqa: S311
        self.get(f"/requests/{request_id}/", "GET /requests/[id]/")
        answer = {"answer": "Known to our service since 2024; no current concerns recorded."}
        self.post(f"/requests/{request_id}/", answer, "POST /requests/[id]/ (answer)")


class Auditor(Person):
    weight = 3
    role = "auditor"

    @task(1)
    def search(self) -> None:
        self.get("/audit/", "GET /audit/")

    @task(2)
    def search_case(self) -> None:
        reference = random.choice(TARGETS["cases"] + TARGETS["bulk_cases"])  # noqa: S311
        self.get(f"/audit/?case_reference={reference}", "GET /audit/?case_reference=R")


class ApiClient(HttpUser):
    weight = 2
    wait_time = between(2, 8) if PAUSE else constant(0)

    def on_start(self) -> None:
        self.client.headers.update({"X-Forwarded-Proto": "https", "Authorization": f"Token {TARGETS['api_token']}"})

    @task
    def submit(self) -> None:
        with self.client.post(
            "/api/v1/referrals/",
            json=TARGETS["api_body"],
            headers={"Idempotency-Key": uuid.uuid4().hex},
            name="POST /api/v1/referrals/",
            catch_response=True,
        ) as response:
            if response.status_code != 201:  # noqa: PLR2004
                response.failure(f"{response.status_code}")


class Bare(Person):
    """The baseline of the saturation runs: a signed-in page with one template (benchmarks/load/urls.py)."""

    role = "triage_officer"

    @task
    def bare(self) -> None:
        self.get("/bench/bare/", "GET /bench/bare/")
