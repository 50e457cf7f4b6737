"""Passkeys as a second factor: the ceremonies through django-otp-webauthn's real verification, the
session rules (a password alone adds a passkey only in forced enrolment), and the audit trail."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.views.passkeys import PasskeyRegistrationBeginView
from tests.accounts.soft_authenticator import (
    AUTHENTICATION_BEGIN,
    AUTHENTICATION_COMPLETE,
    REGISTRATION_BEGIN,
    REGISTRATION_COMPLETE,
    SoftAuthenticator,
    authenticate,
    b64url,
    post_json,
    register,
)

pytestmark = pytest.mark.django_db

VERIFY = "/accounts/two-factor/"
SETUP = "/accounts/two-factor/set-up/"
JS_CATALOG = "/accounts/webauthn/jsi18n/"


def add_passkey(user) -> tuple[SoftAuthenticator, WebAuthnCredential]:
    """The user adds a passkey from a verified session (the test client's authenticator app)."""
    client = Client()
    client.force_login(user)
    authenticator = SoftAuthenticator()
    response = register(client, authenticator)
    assert response.status_code == 200, response.content
    return authenticator, WebAuthnCredential.objects.get(pk=response.json()["id"])


def password_only(user) -> Client:
    client = Client()
    client.verify_second_factor = False
    client.force_login(user)
    return client


# --- registration -----------------------------------------------------------------------------------------


def test_a_verified_user_adds_a_passkey_and_it_is_audited(client, triage_officer, assert_audited):
    client.force_login(triage_officer)
    signed_in_with = client.session[DEVICE_ID_SESSION_KEY]
    response = register(client, SoftAuthenticator())
    assert response.status_code == 200, response.content
    passkey = WebAuthnCredential.objects.get(pk=response.json()["id"])
    assert (passkey.user, passkey.name, passkey.confirmed) == (triage_officer, "Passkey", True)
    assert client.session[DEVICE_ID_SESSION_KEY] == signed_in_with  # still verified by the app, as it was
    assert_audited("PASSKEY_REGISTERED", triage_officer, device_id=passkey.pk, enrolment=False)


def test_a_password_alone_cannot_add_a_passkey_beside_an_existing_factor(triage_officer):
    TOTPDevice.objects.create(user=triage_officer, name="Authenticator app", confirmed=True)
    client = password_only(triage_officer)
    for url in (REGISTRATION_BEGIN, REGISTRATION_COMPLETE):
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"] == VERIFY
    assert "otp_webauthn_register_state" not in client.session
    assert not WebAuthnCredential.objects.filter(user=triage_officer).exists()


def test_the_library_refuses_it_too_if_the_middleware_were_bypassed(rf, triage_officer):
    TOTPDevice.objects.create(user=triage_officer, name="Authenticator app", confirmed=True)
    request = rf.post(REGISTRATION_BEGIN)
    request.user = triage_officer
    triage_officer.is_verified = lambda: False
    response = PasskeyRegistrationBeginView.as_view()(request)
    assert response.status_code == 403
    assert json.loads(response.content)["code"] == "user_not_verified"


def test_forced_enrolment_can_use_a_passkey_then_shows_the_backup_codes_once(triage_officer, assert_audited):
    client = password_only(triage_officer)
    assert client.get("/audit/")["Location"].startswith(SETUP)
    assert "Or use a passkey instead" in client.get(SETUP).content.decode()

    response = register(client, SoftAuthenticator())
    assert response.status_code == 200, response.content
    passkey = WebAuthnCredential.objects.get(user=triage_officer)
    assert client.session[DEVICE_ID_SESSION_KEY] == passkey.persistent_id  # the second step is done
    assert_audited("PASSKEY_REGISTERED", triage_officer, device_id=passkey.pk, enrolment=True)
    assert_audited("MFA_ENROLLED", triage_officer, method="passkey")

    name_page = f"/accounts/your-account/passkeys/{passkey.pk}/name/"
    assert "Name your passkey" in client.get(name_page).content.decode()
    done = client.post(name_page, {"name": "Work laptop", "next": "/audit/"})
    body = done.content.decode()
    assert "Passkey set up" in body
    codes = list(StaticToken.objects.filter(device__user=triage_officer).values_list("token", flat=True))
    assert len(codes) == 10
    assert all(code in body for code in codes)
    assert_audited("BACKUP_CODES_GENERATED", triage_officer, count=10)
    passkey.refresh_from_db()
    assert passkey.name == "Work laptop"
    assert client.get("/").status_code == 200
    # The codes were shown once: naming the passkey again only renames it.
    again = client.post(name_page, {"name": "Laptop"})
    assert again["Location"] == "/accounts/your-account/"
    assert set(StaticToken.objects.filter(device__user=triage_officer).values_list("token", flat=True)) == set(codes)


def test_once_enrolled_with_a_passkey_the_authenticator_set_up_is_refused(triage_officer):
    client = password_only(triage_officer)
    assert register(client, SoftAuthenticator()).status_code == 200
    later = password_only(triage_officer)
    assert later.get(SETUP)["Location"] == VERIFY
    assert later.post(REGISTRATION_BEGIN)["Location"] == VERIFY


def test_someone_not_signed_in_can_start_neither_ceremony(client):
    for url, code in (
        (REGISTRATION_BEGIN, "not_authenticated"),
        (AUTHENTICATION_BEGIN, "passwordless_login_disabled"),
        (AUTHENTICATION_COMPLETE, "passwordless_login_disabled"),
    ):
        response = client.post(url)
        assert response.status_code == 403, url
        assert response.json()["code"] == code


# --- verification -----------------------------------------------------------------------------------------


def test_a_passkey_verifies_a_password_only_session_exactly_as_a_code_does(triage_officer, assert_audited):
    authenticator, passkey = add_passkey(triage_officer)
    client = password_only(triage_officer)
    assert client.get("/audit/")["Location"] == VERIFY + "?next=%2Faudit%2F"
    assert "Use a passkey instead" in client.get(VERIFY).content.decode()

    begun = client.post(AUTHENTICATION_BEGIN).json()
    assert [c["id"] for c in begun["allowCredentials"]] == [b64url(authenticator.credential_id)]
    response = post_json(client, AUTHENTICATION_COMPLETE + "?next=/accounts/your-account/", authenticator.get(begun))
    assert response.status_code == 200, response.content
    assert response.json() == {"id": passkey.pk, "redirect_url": "/accounts/your-account/"}
    assert client.session[DEVICE_ID_SESSION_KEY] == passkey.persistent_id
    assert client.get("/accounts/your-account/").status_code == 200
    assert_audited("MFA_VERIFIED", triage_officer, method="passkey")
    passkey.refresh_from_db()
    assert passkey.last_used_at is not None
    assert passkey.sign_count == 1


def test_next_to_another_site_is_ignored(triage_officer):
    authenticator, _ = add_passkey(triage_officer)
    response = authenticate(password_only(triage_officer), authenticator, next_url="https://evil.example/")
    assert response.json()["redirect_url"] == "/"


def test_another_persons_passkey_is_refused_and_audited(triage_officer, prevent_lead, assert_audited):
    their_authenticator, _ = add_passkey(prevent_lead)
    add_passkey(triage_officer)
    client = password_only(triage_officer)
    response = authenticate(client, their_authenticator)
    assert response.status_code == 403
    assert response.json()["code"] == "credential_user_mismatch"
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get("/").status_code == 302
    assert_audited("MFA_FAILED", triage_officer, outcome="refused", stage="sign_in", method="passkey")


def test_a_bad_signature_is_refused_and_audited(triage_officer, assert_audited):
    authenticator, _ = add_passkey(triage_officer)
    client = password_only(triage_officer)
    answer = authenticator.get(client.post(AUTHENTICATION_BEGIN).json())
    answer["response"]["signature"] = b64url(b"\x30\x06\x02\x01\x01\x02\x01\x01")
    response = post_json(client, AUTHENTICATION_COMPLETE, answer)
    assert response.status_code == 422
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert_audited("MFA_FAILED", triage_officer, outcome="refused", stage="sign_in", method="passkey")


def test_a_challenge_is_used_once(triage_officer, assert_audited):
    authenticator, _ = add_passkey(triage_officer)
    client = password_only(triage_officer)
    answer = authenticator.get(client.post(AUTHENTICATION_BEGIN).json())
    assert post_json(client, AUTHENTICATION_COMPLETE, answer).status_code == 200
    replay = password_only(triage_officer)
    response = post_json(replay, AUTHENTICATION_COMPLETE, answer)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_state"
    assert DEVICE_ID_SESSION_KEY not in replay.session
    assert_audited("MFA_FAILED", triage_officer, outcome="refused", stage="sign_in", method="passkey")


# --- what a half-signed-in session may reach ------------------------------------------------------------


def test_a_half_signed_in_user_reaches_only_the_passkey_sign_in_endpoints(triage_officer):
    add_passkey(triage_officer)
    client = password_only(triage_officer)
    assert client.post(AUTHENTICATION_BEGIN).status_code == 200
    refused = client.post(AUTHENTICATION_COMPLETE, "{}", content_type="application/json")
    assert (refused.status_code, refused.json()["code"]) == (422, "invalid_json_structure")  # reached the view
    catalog = client.get(JS_CATALOG)
    assert catalog.status_code == 200
    assert "javascript" in catalog["Content-Type"]
    for url in (REGISTRATION_BEGIN, REGISTRATION_COMPLETE):
        assert client.post(url)["Location"] == VERIFY


def test_in_forced_enrolment_registration_is_open_and_nothing_else_is(triage_officer):
    client = password_only(triage_officer)
    assert client.post(REGISTRATION_BEGIN).status_code == 200
    assert client.get("/accounts/your-account/")["Location"].startswith(SETUP)
    assert client.get("/accounts/your-account/passkeys/1/name/")["Location"].startswith(SETUP)
