"""Session limits: 15 minutes idle, 8 hours in all, and sign out everywhere; each end is audited."""

from __future__ import annotations

import re
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.middleware import SESSION_LAST_SEEN, SESSION_STARTED_AT

pytestmark = pytest.mark.django_db


def _age(client: Client, key: str, seconds: int) -> None:
    session = client.session
    session[key] = int(time.time()) - seconds
    session.save()


def test_the_defaults_are_15_minutes_idle_and_8_hours_in_all():
    assert settings.SESSION_IDLE_TIMEOUT == 15 * 60
    assert settings.SESSION_ABSOLUTE_TIMEOUT == 8 * 60 * 60
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_ABSOLUTE_TIMEOUT
    assert settings.SESSION_COOKIE_HTTPONLY


def test_an_idle_session_ends_with_a_page_that_says_why(client, triage_officer, assert_audited):
    client.force_login(triage_officer)
    _age(client, SESSION_LAST_SEEN, 15 * 60 + 1)
    response = client.get("/")
    assert response["Location"] == reverse("accounts:timed-out") + "?reason=idle"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out because you were inactive for 15 minutes" in page
    assert_audited("SESSION_TIMED_OUT", triage_officer, reason="idle")
    assert_audited("USER_SIGNED_OUT")


def test_activity_keeps_the_session_alive(client, triage_officer):
    client.force_login(triage_officer)
    _age(client, SESSION_LAST_SEEN, 14 * 60)
    assert client.get("/").status_code == 200
    assert time.time() - client.session[SESSION_LAST_SEEN] < 5


def test_a_page_within_a_minute_of_the_last_recorded_activity_writes_nothing(client, triage_officer):
    client.force_login(triage_officer)
    _age(client, SESSION_LAST_SEEN, 30)  # not 59: a loaded machine took over a second to the GET
    recorded = client.session[SESSION_LAST_SEEN]
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    statements = [query["sql"] for query in captured.captured_queries]
    assert not [sql for sql in statements if not sql.lstrip().upper().startswith("SELECT")], statements
    assert client.session[SESSION_LAST_SEEN] == recorded


def test_a_page_a_minute_after_the_last_recorded_activity_records_it(client, triage_officer):
    client.force_login(triage_officer)
    _age(client, SESSION_LAST_SEEN, 60)
    assert client.get("/").status_code == 200
    assert time.time() - client.session[SESSION_LAST_SEEN] < 5


def test_the_home_page_loads_the_session_the_user_with_role_and_council_and_the_device_in_three_queries(
    client, triage_officer
):
    client.force_login(triage_officer)
    client.get("/")
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/").content.decode()
    tables = [query["sql"].split(" FROM ")[1].split()[0].strip('"') for query in captured.captured_queries]
    assert tables == ["django_session", "accounts_user", "otp_totp_totpdevice"], tables
    assert triage_officer.membership.local_authority.name in page  # the council, from the user's one query


def test_a_session_ends_after_8_hours_however_active(client, triage_officer, assert_audited):
    client.force_login(triage_officer)
    _age(client, SESSION_STARTED_AT, 8 * 60 * 60 + 1)
    response = client.get("/")
    assert response["Location"] == reverse("accounts:timed-out") + "?reason=absolute"
    assert "because you had been signed in for 8 hours" in client.get(response["Location"]).content.decode()
    assert_audited("SESSION_TIMED_OUT", triage_officer, reason="absolute")


def test_the_limits_come_from_settings(client, triage_officer, settings):
    settings.SESSION_IDLE_TIMEOUT = 60
    client.force_login(triage_officer)
    _age(client, SESSION_LAST_SEEN, 61)
    assert client.get("/").status_code == 302


def test_sign_out_everywhere_ends_every_session_of_the_user(triage_officer, assert_audited):
    laptop, phone = Client(), Client()
    laptop.force_login(triage_officer)
    phone.force_login(triage_officer)
    assert phone.get("/").status_code == 200
    page = laptop.get(reverse("accounts:account")).content.decode()
    assert "Sign out everywhere" in page
    response = laptop.post(reverse("accounts:sign-out-everywhere"))
    assert response["Location"] == reverse("accounts:signed-out")
    assert phone.get("/")["Location"] == reverse("accounts:signed-out")
    assert "_auth_user_id" not in phone.session
    assert "_auth_user_id" not in laptop.session
    assert_audited("SESSIONS_REVOKED", triage_officer)
    triage_officer.refresh_from_db()  # a new sign-in loads the user, with the new token
    fresh = Client()
    fresh.force_login(triage_officer)
    assert fresh.get("/").status_code == 200


def test_sign_out_everywhere_is_a_post_for_signed_in_users_only(client):
    assert client.get(reverse("accounts:sign-out-everywhere")).status_code in (302, 405)
    assert client.post(reverse("accounts:sign-out-everywhere"))["Location"].startswith("/accounts/sign-in/")


def test_production_cookies_are_secure(production_env):
    import subprocess
    import sys

    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings.production'; "
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_SECURE, s.SESSION_IDLE_TIMEOUT,"
        " s.AXES_IPWARE_PROXY_COUNT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=production_env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["True", "__Secure-sessionid", "True", "900", "1"]


def test_keep_alive_resets_the_idle_clock_and_the_warning_is_on_signed_in_pages(client, triage_officer):
    client.force_login(triage_officer)
    page = client.get("/").content.decode()
    assert 'id="app-timeout-warning"' in page
    assert 'data-idle-limit="900"' in page
    _age(client, SESSION_LAST_SEEN, 30)  # within the minute: the page does not record it, the warning counts from it
    left = int(re.search(r'data-idle-seconds="(\d+)"', client.get("/").content.decode()).group(1))
    assert 865 <= left <= 870
    assert client.get(reverse("accounts:keep-alive")).status_code == 204  # "Stay signed in" records it to the second
    assert time.time() - client.session[SESSION_LAST_SEEN] < 5


def test_no_warning_before_sign_in(client):
    assert 'id="app-timeout-warning"' not in client.get("/").content.decode()
