"""Second factor for everyone: forced enrolment, verification, backup codes, and enforcement on every page."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import demo_totp_device_set, mfa_enrolment_start
from tests.accounts.conftest import totp_now

pytestmark = pytest.mark.django_db

SETUP = "/accounts/two-factor/set-up/"
VERIFY = "/accounts/two-factor/"


def _confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


@pytest.mark.parametrize(
    "path",
    ["/", "/audit/", "/referrals/start/", "/admin/", "/accounts/users/", "/accounts/your-account/", "/no-such-page/"],
)
def test_signed_in_without_a_device_every_page_sends_to_enrolment(unverified_client, prevent_lead, path):
    unverified_client.force_login(prevent_lead)
    response = unverified_client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)


def test_signed_in_with_a_device_but_not_verified_is_sent_to_the_code_page(unverified_client, triage_officer):
    _confirmed_device(triage_officer)
    unverified_client.force_login(triage_officer)
    response = unverified_client.get("/audit/?x=1")
    assert response.status_code == 302
    assert response["Location"] == VERIFY + "?next=%2Faudit%2F%3Fx%3D1"


@pytest.mark.parametrize("path", ["/accessibility/", "/privacy/", "/healthz", "/accounts/signed-out/", VERIFY])
def test_pages_open_before_the_second_factor(unverified_client, triage_officer, path):
    _confirmed_device(triage_officer)
    unverified_client.force_login(triage_officer)
    assert unverified_client.get(path).status_code == 200


def test_the_api_is_left_to_its_token_authentication(unverified_client, referrer):
    unverified_client.force_login(referrer)
    response = unverified_client.get("/api/referrals/")
    assert not response.get("Location", "").startswith(SETUP)
    assert response.status_code in (401, 403, 404, 405)


def test_the_admin_needs_the_second_factor_too(unverified_client, superuser):
    _confirmed_device(superuser)
    unverified_client.force_login(superuser)
    response = unverified_client.get("/admin/accounts/localauthority/")
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


def test_the_admin_login_form_is_our_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/sign-in/?next=/admin/"


def test_sign_in_with_password_goes_to_enrolment_then_codes_then_the_page(
    unverified_client, triage_officer, assert_audited
):
    from tests.conftest import TEST_PASSWORD

    response = unverified_client.post(
        reverse("accounts:sign-in") + "?next=/audit/",
        {"username": triage_officer.email, "password": TEST_PASSWORD, "next": "/audit/"},
    )
    assert response["Location"] == SETUP + "?next=%2Faudit%2F"
    page = unverified_client.get(response["Location"])
    body = page.content.decode()
    assert "Set up your authenticator app" in body
    assert 'src="/accounts/two-factor/set-up/qr-code.svg"' in body
    device = TOTPDevice.objects.get(user=triage_officer, confirmed=False)

    wrong = unverified_client.post(SETUP, {"token": "000000" if totp_now(device) != "000000" else "111111"})
    assert "Enter the 6-digit code shown in your authenticator app now" in wrong.content.decode()
    assert_audited("MFA_FAILED", triage_officer, outcome="refused", stage="enrolment")

    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()
    done = unverified_client.post(SETUP, {"token": totp_now(device), "next": "/audit/"})
    body = done.content.decode()
    assert "Save your backup codes" in body
    codes = StaticToken.objects.filter(device__user=triage_officer).values_list("token", flat=True)
    assert len(codes) == 10
    assert all(code in body for code in codes)
    assert_audited("MFA_ENROLLED", triage_officer, method="totp")
    assert_audited("BACKUP_CODES_GENERATED", triage_officer, count=10)
    assert unverified_client.get("/audit/").status_code == 403  # verified now: the page's own rule applies


def test_the_qr_code_is_svg_without_scripts_or_styles(unverified_client, referrer):
    unverified_client.force_login(referrer)
    response = unverified_client.get(SETUP + "qr-code.svg")
    svg = response.content.decode()
    assert response["Content-Type"] == "image/svg+xml"
    assert svg.lstrip().startswith("<?xml") or svg.lstrip().startswith("<svg")
    assert "<script" not in svg
    assert "style=" not in svg


def test_enrolment_is_refused_once_a_device_is_confirmed(unverified_client, referrer):
    _confirmed_device(referrer)
    unverified_client.force_login(referrer)
    assert unverified_client.get(SETUP)["Location"] == reverse("accounts:mfa-verify")
    assert unverified_client.get(SETUP + "qr-code.svg").status_code == 404


def test_enrolment_start_reuses_the_unconfirmed_device(referrer):
    assert mfa_enrolment_start(user=referrer).pk == mfa_enrolment_start(user=referrer).pk


def test_verify_with_the_authenticator_then_replay_is_refused(
    unverified_client, client, triage_officer, assert_audited
):
    device = _confirmed_device(triage_officer)
    unverified_client.force_login(triage_officer)
    code = totp_now(device)
    response = unverified_client.post(VERIFY, {"token": code, "next": "/"})
    assert response["Location"] == "/"
    assert unverified_client.get("/").status_code == 200
    assert_audited("MFA_VERIFIED", triage_officer, method="totp")

    client.verify_second_factor = False
    client.force_login(triage_officer)
    again = client.post(VERIFY, {"token": code})
    assert again.status_code == 200
    assert "Enter a correct security code" in again.content.decode()
    assert_audited("MFA_FAILED", triage_officer, outcome="refused", stage="sign_in")


def test_a_backup_code_works_once(unverified_client, client, triage_officer, assert_audited):
    _confirmed_device(triage_officer)
    from accounts.services import backup_codes_generate

    codes = backup_codes_generate(user=triage_officer)
    unverified_client.force_login(triage_officer)
    assert unverified_client.post(VERIFY, {"token": codes[0].upper()})["Location"] == "/"
    assert_audited("MFA_VERIFIED", triage_officer, method="backup_code", backup_codes_left=9)
    client.verify_second_factor = False
    client.force_login(triage_officer)
    assert client.post(VERIFY, {"token": codes[0]}).status_code == 200


def test_next_to_another_site_is_ignored(unverified_client, triage_officer):
    device = _confirmed_device(triage_officer)
    unverified_client.force_login(triage_officer)
    response = unverified_client.post(VERIFY, {"token": totp_now(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_new_backup_codes_replace_the_old_ones(client, triage_officer, assert_audited):
    client.force_login(triage_officer)
    first = client.post(reverse("accounts:backup-codes")).content.decode()
    second = client.post(reverse("accounts:backup-codes")).content.decode()
    codes = set(StaticToken.objects.filter(device__user=triage_officer).values_list("token", flat=True))
    assert len(codes) == 10
    assert all(code in second for code in codes)
    assert not any(code in first for code in codes)
    assert_audited("BACKUP_CODES_GENERATED", triage_officer, count=10)


def test_demo_device_uses_the_published_base32_secret(referrer):
    device = demo_totp_device_set(user=referrer, secret="JBSW Y3DP EHPK 3PXP")
    assert device.confirmed
    assert device.key == b"Hello!".hex() + "deadbeef"  # the well-known example secret, decoded


def test_seed_demo_gives_each_demo_user_the_demo_authenticator(settings):
    import os

    from django.core.management import call_command

    from accounts.services import totp_secret_to_hex

    settings.DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
    devices = TOTPDevice.objects.filter(user__email__endswith="@example.org", confirmed=True)
    assert devices.count() == 18
    assert {device.key for device in devices} == {totp_secret_to_hex("JBSWY3DPEHPK3PXP")}


def _wrong(device: TOTPDevice) -> str:
    right = {totp_now(device, steps_ahead=n) for n in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in right)


def test_five_wrong_codes_lock_the_account_and_sign_the_session_out(
    unverified_client, client, triage_officer, assert_audited
):
    from tests.conftest import TEST_PASSWORD

    device = _confirmed_device(triage_officer)
    unverified_client.force_login(triage_officer)
    for left in (4, 3, 2, 1):
        page = unverified_client.post(VERIFY, {"token": _wrong(device)})
        assert page.status_code == 200
        tries = "1 more try" if left == 1 else f"{left} more tries"
        assert f"Enter a correct security code. You have {tries} before your account is locked" in page.content.decode()
        assert "wait a minute" not in page.content.decode()
    locked = unverified_client.post(VERIFY, {"token": _wrong(device)})
    body = locked.content.decode()
    assert locked.status_code == 429
    assert (
        "Your account is locked because of too many wrong security codes. Ask your Prevent lead to unlock it." in body
    )
    assert "_auth_user_id" not in unverified_client.session
    assert_audited("MFA_FAILED", triage_officer, outcome="refused", stage="sign_in", failures=5)
    assert_audited("ACCOUNT_LOCKED_OUT", triage_officer, outcome="refused", cause="security_codes")

    # Until unlocked: the right password is refused from any address, and so is the right code.
    again = client.post("/accounts/sign-in/", {"username": triage_officer.email, "password": TEST_PASSWORD})
    assert again.status_code == 429
    assert "wrong security codes" not in again.content.decode()  # never told to someone without the password
    client.verify_second_factor = False
    client.force_login(triage_officer)
    right = client.post(VERIFY, {"token": totp_now(device)})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    assert_audited("MFA_FAILED", triage_officer, outcome="refused", stage="locked")


def test_wrong_backup_codes_count_as_wrong_codes(unverified_client, triage_officer):
    from accounts.services import backup_codes_generate

    codes = backup_codes_generate(user=triage_officer)  # backup codes and a passkey: the backup-code form
    from django_otp_webauthn.models import WebAuthnCredential

    WebAuthnCredential.objects.create(user=triage_officer, name="Passkey", confirmed=True, credential_id=b"x")
    unverified_client.force_login(triage_officer)
    for _ in range(4):
        assert "Enter a correct backup code" in unverified_client.post(VERIFY, {"token": "nottheone"}).content.decode()
    assert unverified_client.post(VERIFY, {"token": "nottheone"}).status_code == 429
    assert StaticToken.objects.filter(device__user=triage_officer, token=codes[0]).exists()


def test_the_right_code_after_wrong_ones_is_accepted_at_once_and_starts_the_count_again(
    unverified_client, client, triage_officer
):
    from axes.models import AccessAttempt

    device = _confirmed_device(triage_officer)
    unverified_client.force_login(triage_officer)
    for _ in range(4):
        unverified_client.post(VERIFY, {"token": _wrong(device)})
    assert unverified_client.post(VERIFY, {"token": totp_now(device)})["Location"] == "/"
    assert not AccessAttempt.objects.filter(username=triage_officer.email).exists()
    client.verify_second_factor = False
    client.force_login(triage_officer)
    page = client.post(VERIFY, {"token": _wrong(device)})
    assert "You have 4 more tries" in page.content.decode()


def test_unlock_user_lifts_a_security_code_lockout(unverified_client, triage_officer):
    from django.core.management import call_command

    device = _confirmed_device(triage_officer)
    unverified_client.force_login(triage_officer)
    for _ in range(5):
        unverified_client.post(VERIFY, {"token": _wrong(device)})
    call_command("unlock_user", triage_officer.email, stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
    unverified_client.force_login(triage_officer)
    assert unverified_client.post(VERIFY, {"token": totp_now(device)})["Location"] == "/"


def test_a_passkey_is_refused_while_wrong_codes_hold_the_account_locked(triage_officer, assert_audited):
    from django_otp_webauthn import exceptions as webauthn_errors

    from accounts.services import passkey_verify
    from accounts.services.lockout import second_factor_failure_add

    for _ in range(5):
        second_factor_failure_add(user=triage_officer)
    with pytest.raises(webauthn_errors.UserDisabled, match="too many wrong security codes"):
        passkey_verify(user=triage_officer, helper=None, state={"challenge": "x"}, data={})
    assert_audited("MFA_FAILED", triage_officer, outcome="refused", stage="locked", method="passkey")


def test_a_code_replayed_through_the_service_is_refused(triage_officer):
    from accounts.services import mfa_verify

    device = _confirmed_device(triage_officer)
    code = totp_now(device)
    assert mfa_verify(user=triage_officer, token=code) is not None
    assert mfa_verify(user=triage_officer, token=code) is None


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_one_code_sent_twice_at_the_same_moment_works_once(triage_officer):
    from accounts.services import mfa_verify
    from tests.concurrency import run_concurrently

    device = _confirmed_device(triage_officer)
    code = totp_now(device)
    results = run_concurrently(lambda _: mfa_verify(user=triage_officer, token=code) is not None, threads=2)
    assert sorted(results) == [False, True]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_one_backup_code_sent_twice_at_the_same_moment_works_once(triage_officer):
    from accounts.services import backup_codes_generate, mfa_verify
    from tests.concurrency import run_concurrently

    _confirmed_device(triage_officer)
    code = backup_codes_generate(user=triage_officer)[0]
    results = run_concurrently(lambda _: mfa_verify(user=triage_officer, token=code) is not None, threads=2)
    assert sorted(results) == [False, True]
    assert StaticToken.objects.filter(device__user=triage_officer).count() == 9
