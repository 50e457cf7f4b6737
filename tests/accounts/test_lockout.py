"""django-axes lockout: 5 failures for an account at an address, a higher limit per address, a GOV.UK page,
unlock by lead or operator (every record that blocks the account), audited."""

from __future__ import annotations

import logging

import pytest
from axes.models import AccessAttempt, AccessLog
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/sign-in/"


def _fail(client: Client, email: str, times: int, address: str = "10.0.0.1"):
    response = None
    for _ in range(times):
        response = client.post(SIGN_IN, {"username": email, "password": "wrong-password-xyz"}, REMOTE_ADDR=address)
    return response


def _sign_in(client: Client, email: str, address: str = "10.0.0.1"):
    return client.post(SIGN_IN, {"username": email, "password": TEST_PASSWORD}, REMOTE_ADDR=address)


def test_five_failures_lock_the_account_with_a_govuk_page(client, triage_officer, assert_audited):
    assert _fail(client, triage_officer.email, 4).status_code == 200
    response = _fail(client, triage_officer.email, 1)
    body = response.content.decode()
    assert response.status_code == 429
    assert "Sign-in locked" in body
    assert "Contact the Prevent lead for your local authority" in body
    assert triage_officer.email not in body
    assert_audited("ACCOUNT_LOCKED_OUT", triage_officer, outcome="refused", account_exists=True, cause="password")
    # The right password is refused too while locked, at that address.
    right = _sign_in(client, triage_officer.email, "10.0.0.1")
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_five_failures_for_one_account_leave_other_accounts_at_that_address(client, triage_officer, referrer):
    assert _fail(client, triage_officer.email, 5, address="10.0.0.7").status_code == 429
    other = _sign_in(client, referrer.email, "10.0.0.7")
    assert other.status_code == 302
    assert client.session["_auth_user_id"] == str(referrer.pk)


def test_the_account_is_locked_at_the_address_the_failures_came_from(client, triage_officer):
    _fail(client, triage_officer.email, 5, address="10.0.0.7")
    elsewhere = _sign_in(client, triage_officer.email, "10.0.0.8")
    assert elsewhere.status_code == 302


def test_the_count_ignores_the_case_of_the_address(client, triage_officer):
    _fail(client, triage_officer.email.upper(), 3)
    assert _fail(client, triage_officer.email, 2).status_code == 429


def test_the_per_address_limit_is_higher_and_set_apart():
    from django.conf import settings

    assert settings.AXES_IP_FAILURE_LIMIT == 50
    assert settings.AXES_IP_FAILURE_LIMIT > settings.AXES_FAILURE_LIMIT


def test_failures_across_accounts_from_one_address_lock_that_address(settings, referrer, assert_audited):
    settings.AXES_IP_FAILURE_LIMIT = 12
    for n in range(11):  # never more than 4 for one account
        _fail(Client(), f"nobody-{n % 3}@example.org", 1, address="10.0.0.7")
    below = _sign_in(Client(), referrer.email, "10.0.0.7")
    assert below.status_code == 302
    _fail(Client(), "nobody-9@example.org", 1, address="10.0.0.7")
    locked = _sign_in(Client(), referrer.email, "10.0.0.7")
    assert locked.status_code == 429
    assert "too many unsuccessful attempts to sign in from your network" in locked.content.decode()
    assert_audited("ACCOUNT_LOCKED_OUT", referrer, outcome="refused", cause="address")
    elsewhere = _sign_in(Client(), referrer.email, "10.0.0.8")
    assert elsewhere.status_code == 302


def test_an_unknown_account_is_audited_without_the_typed_address(client):
    from audit.models import AuditEvent

    _fail(client, "ghost-canary@example.org", 5)
    event = AuditEvent.objects.filter(action="ACCOUNT_LOCKED_OUT").latest("sequence")
    assert event.details == {"account_exists": False, "cause": "password"}
    assert "ghost-canary" not in str(AuditEvent.objects.values_list("details", "target_id", "target_type"))


def test_log_lines_carry_no_address_or_email(client, triage_officer, caplog):
    with caplog.at_level(logging.DEBUG):
        _fail(client, triage_officer.email, 5, address="10.1.2.3")
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "AXES" in text  # axes did log its warnings
    assert triage_officer.email not in text
    assert "10.1.2.3" not in text


def test_success_resets_the_count_and_keeps_no_access_log(client, triage_officer):
    _fail(client, triage_officer.email, 4, address="10.0.0.2")
    _fail(client, triage_officer.email, 4)
    success = _sign_in(client, triage_officer.email, "10.0.0.1")
    assert success.status_code == 302
    # Only the failures at this address are forgiven: a good password here does not reset another address's count.
    assert list(AccessAttempt.objects.filter(username=triage_officer.email).values_list("ip_address", flat=True)) == [
        "10.0.0.2"
    ]
    assert not AccessLog.objects.exists()


def test_a_prevent_lead_of_the_same_authority_unlocks(client, prevent_lead, triage_officer, assert_audited):
    _fail(Client(), triage_officer.email, 5)
    client.force_login(prevent_lead)
    listing = client.get(reverse("accounts:user-list")).content.decode()
    assert "Locked" in listing
    response = client.post(reverse("accounts:user-unlock", args=[triage_officer.pk]))
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=triage_officer.email).exists()
    assert_audited("ACCOUNT_UNLOCKED", triage_officer, via="prevent_lead", attempts_cleared=1)
    assert Client().post(SIGN_IN, {"username": triage_officer.email, "password": TEST_PASSWORD}).status_code == 302


def test_a_lead_of_another_authority_or_another_role_cannot_unlock(client, other_prevent_lead, triage_officer, auditor):
    _fail(Client(), triage_officer.email, 5)
    client.force_login(other_prevent_lead)
    assert client.post(reverse("accounts:user-unlock", args=[triage_officer.pk])).status_code == 404
    client.force_login(auditor)
    assert client.post(reverse("accounts:user-unlock", args=[triage_officer.pk])).status_code == 403
    assert AccessAttempt.objects.filter(username=triage_officer.email).exists()


def test_the_operator_command_unlocks_and_is_audited(triage_officer, assert_audited, capsys):
    _fail(Client(), triage_officer.email, 5)
    call_command("unlock_user", triage_officer.email.upper())
    assert "Account unlocked" in capsys.readouterr().out
    assert not AccessAttempt.objects.filter(username=triage_officer.email).exists()
    assert_audited("ACCOUNT_UNLOCKED", triage_officer, via="operator_command")


def test_the_operator_command_refuses_an_unknown_address():
    with pytest.raises(CommandError, match="^No account has that email address.$"):
        call_command("unlock_user", "nobody@example.org")


def test_unlock_user_exits_non_zero_with_one_line(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=repo, env=env, check=True)
    result = subprocess.run(
        [sys.executable, "manage.py", "unlock_user", "nobody@example.org"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == ["CommandError: No account has that email address."]


def test_axes_keeps_neither_the_password_nor_the_typed_address_in_its_request_copy(client, triage_officer):
    _fail(client, triage_officer.email, 1)
    attempt = AccessAttempt.objects.get()
    assert "wrong-password-xyz" not in attempt.post_data
    assert triage_officer.email not in attempt.post_data


def _lock_by_security_codes(user, times: int = 5) -> None:
    from accounts.services.lockout import second_factor_failure_add

    for _ in range(times):
        second_factor_failure_add(user=user)


def test_unlock_user_clears_every_record_that_blocks_the_account(triage_officer, assert_audited, capsys):
    _fail(Client(), triage_officer.email, 5, address="10.0.0.1")
    _fail(Client(), triage_officer.email, 5, address="10.0.0.2")
    _lock_by_security_codes(triage_officer)
    assert _sign_in(Client(), triage_officer.email, "10.0.0.3").status_code == 429  # codes: every address
    call_command("unlock_user", triage_officer.email)
    assert "stay blocked" not in capsys.readouterr().out
    assert not AccessAttempt.objects.filter(username=triage_officer.email).exists()
    # Four records: two addresses, the security codes, and the refused attempt at the third address.
    assert_audited(
        "ACCOUNT_UNLOCKED", triage_officer, via="operator_command", attempts_cleared=4, addresses_still_blocked=0
    )
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        assert _sign_in(Client(), triage_officer.email, address).status_code == 302


def test_unlock_leaves_an_address_blocked_by_other_accounts_and_says_so(
    settings, triage_officer, assert_audited, capsys
):
    settings.AXES_IP_FAILURE_LIMIT = 8
    _fail(Client(), triage_officer.email, 5, address="10.0.0.7")
    for n in range(2):
        _fail(Client(), f"nobody-{n}@example.org", 4, address="10.0.0.7")
    call_command("unlock_user", triage_officer.email)
    assert "1 address(es) this account failed from stay blocked" in capsys.readouterr().out
    assert_audited("ACCOUNT_UNLOCKED", triage_officer, attempts_cleared=1, addresses_still_blocked=1)
    # Safety: one person's unlock does not reopen an address that others' failures closed.
    assert _sign_in(Client(), triage_officer.email, "10.0.0.7").status_code == 429
    assert _sign_in(Client(), triage_officer.email, "10.0.0.8").status_code == 302


def test_the_lead_unlock_lifts_a_security_code_lockout_and_the_list_shows_it(client, prevent_lead, triage_officer):
    _lock_by_security_codes(triage_officer)
    client.force_login(prevent_lead)
    assert "Locked" in client.get(reverse("accounts:user-list")).content.decode()
    response = client.post(reverse("accounts:user-unlock", args=[triage_officer.pk]), follow=True)
    assert "Account unlocked. The user can sign in again." in response.content.decode()
    assert not AccessAttempt.objects.filter(username=triage_officer.email).exists()
    assert _sign_in(Client(), triage_officer.email).status_code == 302


def test_the_lead_unlock_says_when_an_address_stays_blocked(client, settings, prevent_lead, triage_officer):
    settings.AXES_IP_FAILURE_LIMIT = 8
    _fail(Client(), triage_officer.email, 5, address="10.0.0.7")
    _fail(Client(), "nobody@example.org", 4, address="10.0.0.7")
    _fail(Client(), "nobody-else@example.org", 4, address="10.0.0.7")
    client.force_login(prevent_lead)
    response = client.post(reverse("accounts:user-unlock", args=[triage_officer.pk]), follow=True)
    assert "still cannot sign in from a network where too many sign-ins" in response.content.decode()


def test_the_operator_lifts_an_address_block_with_its_own_audited_command(settings, referrer, assert_audited, capsys):
    settings.AXES_IP_FAILURE_LIMIT = 8
    for n in range(2):
        _fail(Client(), f"nobody-{n}@example.org", 4, address="10.0.0.7")
    assert _sign_in(Client(), referrer.email, "10.0.0.7").status_code == 429
    call_command("unlock_address", "10.0.0.7")
    assert "Address unlocked" in capsys.readouterr().out
    event = assert_audited("ADDRESS_UNLOCKED", via="operator_command", attempts_cleared=3)
    assert "10.0.0.7" not in str(event.details)
    assert _sign_in(Client(), referrer.email, "10.0.0.7").status_code == 302


def test_unlock_address_refuses_something_that_is_not_an_address():
    with pytest.raises(CommandError, match=r"^Enter an IP address, like 192\.0\.2\.10\.$"):
        call_command("unlock_address", "not-an-address")


def test_behind_the_proxy_each_client_is_counted_at_its_own_address(client, settings, triage_officer, referrer):
    # Production: AXES_PROXY_COUNT=1, every request arrives from the proxy's address. django-ipware is not
    # installed, so axes ignored the setting: one person's failures counted against everyone's address.
    settings.AXES_IPWARE_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.9.9.9"}
    for _ in range(5):
        client.post(
            SIGN_IN,
            {"username": triage_officer.email, "password": "wrong-password-xyz"},
            HTTP_X_FORWARDED_FOR="203.0.113.5",
            **proxy,
        )
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"
    # Another person behind the same proxy signs in to that account from their own address.
    other = client.post(
        SIGN_IN,
        {"username": triage_officer.email, "password": TEST_PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
        **proxy,
    )
    assert other.status_code == 302


def test_behind_the_proxy_a_client_cannot_choose_its_address(client, settings, triage_officer):
    # The proxy appends the address it saw: only the last entry is trusted, anything before it is the client's text.
    settings.AXES_IPWARE_PROXY_COUNT = 1
    for number in range(5):
        client.post(
            SIGN_IN,
            {"username": triage_officer.email, "password": "wrong-password-xyz"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, 203.0.113.5",
            REMOTE_ADDR="10.9.9.9",
        )
    response = client.post(
        SIGN_IN,
        {"username": triage_officer.email, "password": TEST_PASSWORD},
        HTTP_X_FORWARDED_FOR="192.0.2.77, 203.0.113.5",
        REMOTE_ADDR="10.9.9.9",
    )
    assert response.status_code == 429


def test_without_a_proxy_count_the_forwarded_header_is_ignored(client, triage_officer):
    for number in range(5):
        client.post(
            SIGN_IN,
            {"username": triage_officer.email, "password": "wrong-password-xyz"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
            REMOTE_ADDR="10.0.0.1",
        )
    assert _sign_in(client, triage_officer.email, "10.0.0.1").status_code == 429


def test_a_locked_sign_in_adds_a_count_not_two_chained_events_per_request(client, triage_officer, assert_audited):
    # Anyone can post the sign-in form: once locked, each further attempt wrote a USER_SIGN_IN_FAILED and
    # another ACCOUNT_LOCKED_OUT event, committed on the chain head, without end. Now the lockout is one
    # event when it begins, and refusals while locked are counted per minute like other anonymous refusals.
    from audit.models import AuditEvent

    _fail(client, triage_officer.email, 5)
    assert_audited("ACCOUNT_LOCKED_OUT", triage_officer, outcome="refused", account_exists=True, cause="password")
    before = AuditEvent.objects.count()
    for _ in range(20):
        assert _fail(client, triage_officer.email, 1).status_code == 429
    assert _sign_in(client, triage_officer.email).status_code == 429
    assert AuditEvent.objects.count() - before <= 1  # at most the count of a closed minute


def test_after_the_address_is_locked_unknown_accounts_add_no_event_each(client, settings):
    from audit.models import AuditEvent

    settings.AXES_IP_FAILURE_LIMIT = 10
    for number in range(10):
        _fail(client, f"nobody{number}@example.org", 1, address="10.0.0.9")
    before = AuditEvent.objects.count()
    for number in range(30):
        assert _fail(client, f"later{number}@example.org", 1, address="10.0.0.9").status_code == 429
    assert AuditEvent.objects.count() - before <= 1
