"""API tokens: stored as digests, printed once, expiring, revocable, their use recorded and their refusals audited."""

from __future__ import annotations

import datetime
import importlib
import secrets

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services import api_token_create, user_deactivate
from audit.formatters import event_rows
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

# Any authenticated caller gets 404 for a reference it did not make; a caller without a usable token gets 401.
PROBE = "/api/v1/referrals/PRV-2000-000001/status/"


def _call(token: str):
    return APIClient().get(PROBE, HTTP_AUTHORIZATION=f"Token {token}")


def _print_token(email: str, capsys) -> tuple[str, str]:
    call_command("create_api_token", email)
    captured = capsys.readouterr()
    return captured.out, captured.err


def _every_stored_value() -> str:
    """Every row of every table, as text: what someone with a copy of the database would hold."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from introspection
            rows.extend(cursor.fetchall())
    return repr(rows)


def test_the_command_prints_the_token_once_and_the_database_holds_only_its_digest(referrer, capsys, assert_audited):
    out, err = _print_token(referrer.email, capsys)
    token = out.strip()
    assert out == f"{token}\n"  # only the token on stdout, so a script can capture it
    assert token.startswith("prv_")
    assert len(token) >= 64
    assert "expires on" in err
    assert token not in err
    assert _call(token).status_code == 404  # it works

    stored = ApiToken.objects.get(user=referrer)
    assert stored.digest != token
    assert token not in _every_stored_value()
    assert token[:20] not in _every_stored_value()  # beyond knox's 15-character lookup key, nothing of it
    event = assert_audited("API_TOKEN_CREATED", referrer, token_id=str(stored.pk))
    assert token not in str(event.details)


def test_a_new_token_leaves_the_earlier_ones_working(referrer):
    _, first = api_token_create(user=referrer)
    _, second = api_token_create(user=referrer)
    assert first != second
    assert _call(first).status_code == 404
    assert _call(second).status_code == 404


def test_a_token_expires_after_api_token_max_age_days_with_a_structured_401_that_is_audited(referrer, assert_audited):
    token, text = api_token_create(user=referrer)
    assert abs(token.expires_at - token.created - datetime.timedelta(days=90)) < datetime.timedelta(seconds=1)
    assert _call(text).status_code == 404
    # The clock moves on 90 days and a minute.
    past = datetime.timedelta(days=90, minutes=1)
    ApiToken.objects.filter(pk=token.pk).update(created=token.created - past, expiry=token.expiry - past)

    response = _call(text)
    assert response.status_code == 401
    assert response.json() == {"detail": "This API token has expired. Ask an operator for a new one."}
    assert response["WWW-Authenticate"] == "Token"
    event = assert_audited("API_TOKEN_REFUSED", referrer, outcome="refused", token_id=str(token.pk))
    assert event.reason_code == "EXPIRED"
    assert event_rows([event])[0]["actor"] == "Someone not signed in"


def test_lowering_the_max_age_shortens_tokens_already_issued(referrer, settings):
    token, text = api_token_create(user=referrer)
    ApiToken.objects.filter(pk=token.pk).update(created=token.created - datetime.timedelta(days=11))
    assert _call(text).status_code == 404  # its stored expiry is still 79 days away
    settings.API_TOKEN_MAX_AGE_DAYS = 10
    assert _call(text).status_code == 401


def test_last_use_is_recorded_at_most_once_a_minute(referrer):
    token, text = api_token_create(user=referrer)
    assert token.last_used_at is None
    _call(text)
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < datetime.timedelta(minutes=1)

    recent = timezone.now() - datetime.timedelta(seconds=30)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)
    _call(text)
    token.refresh_from_db()
    assert token.last_used_at == recent  # a read within the minute writes nothing

    older = timezone.now() - datetime.timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=older)
    _call(text)
    token.refresh_from_db()
    assert token.last_used_at > older


def test_revoke_stops_every_token_of_that_user_only(referrer, triage_officer, capsys, assert_audited):
    _, first = api_token_create(user=referrer)
    _, second = api_token_create(user=referrer)
    _, someone_elses = api_token_create(user=triage_officer)

    call_command("create_api_token", referrer.email, "--revoke")
    assert capsys.readouterr().out == "Revoked 2 API tokens.\n"
    for text in (first, second):
        response = _call(text)
        assert response.status_code == 401
        assert response.json() == {"detail": "This API token has been revoked."}
    assert _call(someone_elses).status_code == 404
    assert_audited("API_TOKEN_REVOKED", referrer, count=2)
    assert_audited("API_TOKEN_REFUSED", referrer, outcome="refused")

    call_command("create_api_token", referrer.email, "--revoke")
    assert capsys.readouterr().out == "Revoked 0 API tokens.\n"


def test_the_token_of_a_deactivated_account_is_refused(referrer):
    token, text = api_token_create(user=referrer)
    referrer.is_active = False
    referrer.save(update_fields=["is_active"])
    response = _call(text)
    assert response.status_code == 401
    assert response.json() == {"detail": "The account this API token belongs to is deactivated."}
    assert AuditEvent.objects.get(action="API_TOKEN_REFUSED").reason_code == "USER_INACTIVE"


def test_deactivating_a_user_revokes_their_tokens_so_reactivation_brings_none_back(
    referrer, prevent_lead, assert_audited
):
    token, text = api_token_create(user=referrer)
    user_deactivate(actor=prevent_lead, user=referrer)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert_audited("API_TOKEN_REVOKED", referrer, count=1)
    referrer.is_active = True
    referrer.save(update_fields=["is_active"])
    assert _call(text).status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Token prv_" + "0" * 64, "Token " + secrets.token_hex(32), "Token", "Token a b", "Token \u00e9\u00e9"],
    # Named, not shown: a random value in a test's id differs between xdist's workers, which then refuse to run.
    ids=["unknown-token", "random-token", "no-token", "two-words", "non-ascii"],
)
def test_an_unknown_or_malformed_token_is_a_structured_401(referrer, header):
    api_token_create(user=referrer)
    response = APIClient().get(PROBE, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert set(response.json()) == {"detail"}


def test_a_call_without_a_token_is_a_401():
    response = APIClient().get(PROBE)
    assert response.status_code == 401
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize("email", ["nobody@example.org", "inactive"])
def test_the_command_refuses_an_unknown_or_inactive_address_with_one_line_and_a_non_zero_exit(referrer, capsys, email):
    if email == "inactive":
        referrer.is_active = False
        referrer.save(update_fields=["is_active"])
        email = referrer.email
    # manage.py prints a CommandError as "CommandError: <message>" on stderr and exits with its returncode.
    with pytest.raises(CommandError) as refused:
        call_command("create_api_token", email)
    assert str(refused.value) == "No active user has that e-mail address."
    assert refused.value.returncode != 0
    assert capsys.readouterr().out == ""
    assert not ApiToken.objects.exists()


def test_revoke_for_an_unknown_address_is_refused_in_one_line():
    with pytest.raises(CommandError, match="^No account has that e-mail address.$"):
        call_command("create_api_token", "nobody@example.org", "--revoke")


def test_the_migration_drops_the_table_of_plaintext_tokens():
    migration = importlib.import_module("accounts.migrations.0003_api_token")
    assert any(getattr(op, "sql", None) == migration.DROP_PLAINTEXT_TOKENS for op in migration.Migration.operations)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id integer)")
        cursor.execute("INSERT INTO authtoken_token VALUES ('plaintext-token-as-typed', 1)")
        for statement in migration.DROP_PLAINTEXT_TOKENS:
            cursor.execute(statement)
        assert "authtoken_token" not in connection.introspection.table_names(cursor)


def test_a_caller_repeating_a_refused_token_adds_one_event_then_a_count(referrer, assert_audited):
    # An integration left polling with an expired or revoked token (or whoever holds a leaked one) wrote one
    # committed chained event per request, without end. The first refusal of a token is an event; later
    # ones within the hour are counted per minute, as refusals of visitors not signed in are.
    _, text = api_token_create(user=referrer)
    call_command("create_api_token", referrer.email, "--revoke")
    before = AuditEvent.objects.count()
    for _ in range(30):
        assert _call(text).status_code == 401
    assert_audited("API_TOKEN_REFUSED", referrer, outcome="refused")
    assert AuditEvent.objects.count() - before <= 2  # the first refusal, and at most one minute's count
