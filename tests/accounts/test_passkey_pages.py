"""Passkey pages: the account page lists, names and removes one's own passkeys only; the code page offers a
passkey; scripts come from our own static files under the nonce CSP; the pages say what to do without
JavaScript."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.services import backup_codes_generate
from audit.models import AuditEvent
from tests.accounts.soft_authenticator import SoftAuthenticator, authenticate, register
from tests.accounts.test_passkeys import add_passkey, password_only

pytestmark = pytest.mark.django_db

ACCOUNT = "/accounts/your-account/"
VERIFY = "/accounts/two-factor/"


def _name_url(passkey: WebAuthnCredential) -> str:
    return f"/accounts/your-account/passkeys/{passkey.pk}/name/"


def _remove_url(passkey: WebAuthnCredential) -> str:
    return f"/accounts/your-account/passkeys/{passkey.pk}/remove/"


def _passkey_only_user(user) -> tuple[SoftAuthenticator, WebAuthnCredential]:
    """A user who chose a passkey at forced enrolment: no authenticator app at all."""
    authenticator = SoftAuthenticator()
    assert register(password_only(user), authenticator).status_code == 200
    return authenticator, WebAuthnCredential.objects.get(user=user)


def test_the_account_page_lists_ones_own_passkeys_only(client, triage_officer, prevent_lead):
    _, mine = add_passkey(triage_officer)
    _, theirs = add_passkey(prevent_lead)
    WebAuthnCredential.objects.filter(pk=theirs.pk).update(name="Their-passkey-canary")
    client.force_login(triage_officer)
    body = client.get(ACCOUNT).content.decode()
    assert "Authenticator app or passkey" in body
    assert 'data-testid="passkey-list"' in body
    assert _name_url(mine) in body
    assert _remove_url(mine) in body
    assert "Their-passkey-canary" not in body
    assert _remove_url(theirs) not in body


def test_naming_a_passkey_is_audited_without_the_name(client, triage_officer, assert_audited):
    _, passkey = add_passkey(triage_officer)
    client.force_login(triage_officer)
    assert client.post(_name_url(passkey), {"name": ""}).status_code == 200
    empty = client.post(_name_url(passkey), {"name": ""}).content.decode()
    assert "Enter a name for your passkey" in empty
    assert "Error: " in empty  # the page title says so too
    response = client.post(_name_url(passkey), {"name": "Name-canary laptop"})
    assert response["Location"] == ACCOUNT
    passkey.refresh_from_db()
    assert passkey.name == "Name-canary laptop"
    assert_audited("PASSKEY_RENAMED", triage_officer, device_id=passkey.pk)
    assert not AuditEvent.objects.filter(details__icontains="canary").exists()
    assert "Name-canary laptop" in client.get(ACCOUNT).content.decode()


def test_removing_a_passkey_asks_first_then_is_audited(client, triage_officer, assert_audited):
    _, passkey = add_passkey(triage_officer)
    client.force_login(triage_officer)
    assert "Are you sure you want to remove this passkey?" in client.get(_remove_url(passkey)).content.decode()
    response = client.post(_remove_url(passkey))
    assert response["Location"] == ACCOUNT
    assert not WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    assert_audited("PASSKEY_REMOVED", triage_officer, device_id=passkey.pk, passkeys_left=0)
    assert "Passkey removed" in client.get(ACCOUNT).content.decode()


def test_another_persons_passkey_cannot_be_seen_named_or_removed(client, triage_officer, prevent_lead):
    _, theirs = add_passkey(prevent_lead)
    client.force_login(triage_officer)
    for url in (_name_url(theirs), _remove_url(theirs)):
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "Hijacked"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Passkey"
    assert not AuditEvent.objects.filter(action__in=["PASSKEY_RENAMED", "PASSKEY_REMOVED"]).exists()


def test_a_passkey_only_user_is_refused_removal_of_their_last_passkey(triage_officer, assert_audited):
    authenticator, passkey = _passkey_only_user(triage_officer)
    client = password_only(triage_officer)
    assert authenticate(client, authenticator).status_code == 200
    page = client.get(_remove_url(passkey)).content.decode()
    assert "You cannot remove this passkey" in page
    assert "Remove passkey" not in page
    refused = client.post(_remove_url(passkey))
    assert refused.status_code == 200
    assert "You cannot remove this passkey" in refused.content.decode()
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()
    assert_audited("PASSKEY_REMOVED", triage_officer, outcome="refused", reason="last_second_factor")


def test_removing_the_passkey_used_at_sign_in_asks_for_the_second_step_again(triage_officer):
    authenticator, passkey = add_passkey(triage_officer)
    client = password_only(triage_officer)
    assert authenticate(client, authenticator).status_code == 200
    assert "You used this passkey when you signed in" in client.get(_remove_url(passkey)).content.decode()
    assert client.post(_remove_url(passkey))["Location"] == ACCOUNT
    assert client.get(ACCOUNT)["Location"].startswith(VERIFY)


def test_a_passkey_only_user_is_offered_the_passkey_and_backup_codes(triage_officer, assert_audited):
    _passkey_only_user(triage_officer)
    codes = backup_codes_generate(user=triage_officer)
    client = password_only(triage_officer)
    body = client.get(VERIFY).content.decode()
    assert '<h1 class="govuk-heading-l">Use your passkey</h1>' in body
    assert "Backup code" in body
    assert "authenticator app" not in body.split("<main", 1)[1].lower()
    wrong = client.post(VERIFY, {"token": "not-a-code"}).content.decode()
    assert "Enter a correct backup code" in wrong
    assert '<details class="govuk-details" open>' in wrong
    StaticDevice.objects.filter(user=triage_officer).update(throttling_failure_count=0)  # django-otp's pause
    assert client.post(VERIFY, {"token": codes[0], "next": "/"})["Location"] == "/"
    assert_audited("MFA_VERIFIED", triage_officer, method="backup_code")


def test_without_javascript_the_pages_say_a_passkey_needs_it_and_the_code_still_works(triage_officer):
    add_passkey(triage_officer)
    client = password_only(triage_officer)
    body = client.get(VERIFY).content.decode()
    placeholder = body.split('id="passkey-verification-placeholder"', 1)[1].split("</div>", 1)[0]
    assert "To use your passkey, turn on JavaScript in your browser." in placeholder
    assert "Enter the code from your authenticator app instead." in placeholder
    assert 'name="token"' in body  # the code form is plain HTML
    # The button exists only inside a <template>: without JavaScript it is never shown.
    assert body.index('<template id="passkey-verification-available-template">') < body.index(
        'id="passkey-verification-button"'
    )
    client.verify_second_factor = True
    client.force_login(triage_officer)
    account = client.get(ACCOUNT).content.decode()
    assert "To add a passkey, turn on JavaScript in your browser." in account


@pytest.mark.parametrize("url", [ACCOUNT, VERIFY])
def test_passkey_scripts_are_our_own_static_files_under_the_nonce_csp(client, triage_officer, url):
    add_passkey(triage_officer)
    if url == VERIFY:
        client = password_only(triage_officer)
    else:
        client.force_login(triage_officer)
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", csp).group(1).split()
    assert script_src[0] == "'self'"
    assert all(source == "'self'" or source.startswith("'nonce-") for source in script_src)
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    body = response.content.decode()
    sources = re.findall(r'<script[^>]*\ssrc="([^"]+)"', body)
    assert "/static/django_otp_webauthn/otp_webauthn_" in " ".join(sources)
    assert "/static/accounts/passkeys.js" in sources
    assert all(src.startswith(("/static/", "/accounts/webauthn/jsi18n/")) for src in sources)
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    for tag in re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", body):
        assert f'nonce="{nonce}"' in tag or 'type="application/json"' in tag, tag
    for static in sources:
        if static.startswith("/static/"):
            assert finders.find(static.removeprefix("/static/")), static


def _totp_code(device) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_passkey_only_user_adds_an_authenticator_app_from_a_verified_session(triage_officer, assert_audited):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    authenticator, _ = _passkey_only_user(triage_officer)
    client = password_only(triage_officer)
    # A password alone never opens set-up beside an existing passkey.
    assert client.get("/accounts/two-factor/set-up/")["Location"].startswith(VERIFY)
    assert authenticate(client, authenticator).status_code == 200
    account = client.get(ACCOUNT).content.decode()
    assert "Add an authenticator app" in account
    page = client.get("/accounts/two-factor/set-up/").content.decode()
    assert "as well as your passkey" in page
    assert "Use a passkey instead" not in page
    device = TOTPDevice.objects.get(user=triage_officer, confirmed=False)
    done = client.post("/accounts/two-factor/set-up/", {"token": _totp_code(device)})
    assert "backup codes" in done.content.decode().lower()
    assert TOTPDevice.objects.filter(user=triage_officer, confirmed=True).count() == 1
    assert_audited("MFA_ENROLLED", triage_officer, method="totp")
    # Now both: set-up is closed again, and the account page offers nothing to add.
    assert client.get("/accounts/two-factor/set-up/")["Location"] == ACCOUNT
    assert "Add an authenticator app" not in client.get(ACCOUNT).content.decode()
