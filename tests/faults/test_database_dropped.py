"""The database connection dropped under a request (issue 17, point 4): the person sees the GOV.UK error page,
nothing is half-written, and the next request works.

The connection serving the request is ended by the server (pg_terminate_backend, from a second connection)
just as the submission's transaction writes its outbox row: after the referral's own UPDATE and audit event,
before the commit. PostgreSQL rolls the whole transaction back; the page must not pretend otherwise.
"""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from core.models import OutboxMessage
from referrals.choices import ReferralStatus
from referrals.models import Referral
from tests.referrals.test_journey import PAGES, _shown_version

pytestmark = [pytest.mark.faults, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


class DropConnectionAt:
    """An execute wrapper: when a statement starting with `prefix` is about to run, the server ends this connection."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.dropped = 0

    def __call__(self, execute, sql, params, many, context):
        if not self.dropped and sql.lstrip().upper().startswith(self.prefix.upper()):
            pid = context["connection"].connection.info.backend_pid
            settings = connection.settings_dict
            with psycopg.connect(
                host=settings["HOST"] or "127.0.0.1",
                port=settings["PORT"] or 5432,
                user=settings["USER"] or "postgres",
                password=settings["PASSWORD"] or None,
                dbname=settings["NAME"],
                autocommit=True,
            ) as other:
                assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)
            self.dropped += 1
        return execute(sql, params, many, context)


def _draft_ready_to_send(client: Client, local_authority) -> Referral:
    assert client.post(reverse("referrals:start")).status_code == 302
    referral = Referral.objects.get(status=ReferralStatus.DRAFT)
    for slug, data in PAGES:
        answers = data if data is not None else {"local_authority": str(local_authority.pk)}
        response = client.post(reverse("referrals:draft-step", args=[referral.pk, slug]), {**answers, "continue": "1"})
        assert response.status_code == 302, slug
    return referral


def test_a_connection_dropped_mid_submission_shows_the_error_page_and_writes_nothing(referrer, local_authority, caplog):
    local_authority.mash_email = "mash@testshire.example.org"
    local_authority.save()
    client = Client(raise_request_exception=False)
    client.force_login(referrer)
    referral = _draft_ready_to_send(client, local_authority)
    check = reverse("referrals:draft-check", args=[referral.pk])
    version = _shown_version(client.get(check).content.decode())
    events_before = AuditEvent.objects.count()

    drop = DropConnectionAt('INSERT INTO "core_outboxmessage"')
    with connection.execute_wrapper(drop):
        response = client.post(check, {"declaration": "on", "answers_version": version})
    assert drop.dropped == 1

    body = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in body
    assert 'class="govuk-template"' in body
    assert "Traceback" not in body
    assert "OperationalError" not in body
    assert "core_outboxmessage" not in body
    # Nothing half-written: still a draft, no reference, no event, no e-mail waiting.
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT
    assert not referral.reference
    assert AuditEvent.objects.count() == events_before
    assert not OutboxMessage.objects.exists()

    # The next requests work, on a new connection: the person sends the referral again, once.
    assert client.get(reverse("referrals:my-referrals")).status_code == 200
    response = client.post(check, {"declaration": "on", "answers_version": version})
    assert response.status_code == 302, response.content.decode()[:500]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert OutboxMessage.objects.filter(object_id=str(referral.pk)).count() == 1
    assert AuditEvent.objects.filter(action="REFERRAL_SUBMITTED", target_id=str(referral.pk)).count() == 1


def _served(path: str, cookies: dict[str, str]) -> tuple[int, str]:
    """GET through Django's WSGI handler as a WSGI server calls it, request signals included.

    The test client leaves out the signal that closes a broken connection at the end of a request (it keeps
    the test's own connection); a real server (gunicorn, runserver) does not, and neither does this.
    """
    from wsgiref.util import setup_testing_defaults

    from django.core.handlers.wsgi import WSGIHandler

    environ: dict = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "SERVER_NAME": "127.0.0.1", "HTTP_HOST": "127.0.0.1"}
    setup_testing_defaults(environ)
    environ["HTTP_COOKIE"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    status: list[str] = []
    response = WSGIHandler()(environ, lambda code, headers, exc_info=None: status.append(code))
    try:
        body = b"".join(response).decode()
    finally:
        response.close()  # request_finished: Django closes a connection that failed
    return int(status[0].split()[0]), body


def test_a_connection_dropped_on_a_read_shows_the_error_page_and_the_next_request_works(triage_officer, referrer):
    from tests.referrals.factories import submitted_referral

    referral = submitted_referral(user=referrer)
    client = Client()
    client.force_login(triage_officer)
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    queue = reverse("referrals:referral-queue")
    drop = DropConnectionAt("SELECT")
    with connection.execute_wrapper(drop):
        status, body = _served(queue, cookies)
    assert drop.dropped == 1
    assert status == 500
    assert "Sorry, there is a problem with the service" in body
    assert "Traceback" not in body
    status, body = _served(queue, cookies)
    assert status == 200
    assert referral.reference in body
