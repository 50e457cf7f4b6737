"""The admin holds reference data and users only: no case model is ever registered."""

from __future__ import annotations

import pytest
from django.contrib import admin

CASE_APPS = {"referrals", "channel", "closure", "audit", "encryption", "benchmarking"}


# Reference data of a case app (ACCESS.md: "Reference data (reason codes, VAF catalogue ...)").
REFERENCE_DATA = {"channel.vafcatalogue", "channel.interventiontype"}


def test_no_case_model_is_registered_in_the_admin():
    registered = {model._meta.app_label for model in admin.site._registry}
    assert {"accounts"} <= registered
    case_models = {model._meta.label_lower for model in admin.site._registry if model._meta.app_label in CASE_APPS}
    assert case_models == REFERENCE_DATA


def test_every_model_admin_is_audited_and_api_tokens_are_not_in_the_admin():
    from django_otp_webauthn.models import WebAuthnCredential
    from knox.models import AuthToken

    from accounts.admin import AuditedAdminMixin
    from accounts.models import ApiToken

    unaudited = [m._meta.label for m, a in admin.site._registry.items() if not isinstance(a, AuditedAdminMixin)]
    assert unaudited == []
    assert not admin.site.is_registered(AuthToken)
    assert not admin.site.is_registered(ApiToken)
    assert admin.site.is_registered(WebAuthnCredential)  # a lost passkey is removed here


@pytest.mark.django_db
def test_superuser_can_edit_local_authorities_in_the_admin(client, superuser, local_authority, assert_audited):
    client.force_login(superuser)
    response = client.get(f"/admin/accounts/localauthority/{local_authority.pk}/change/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="ons_code"' in body
    assert local_authority.ons_code in body
    response = client.post(
        f"/admin/accounts/localauthority/{local_authority.pk}/change/",
        {"name": "Renamed Council", "ons_code": "E10000901", "nation": "wales", "mash_email": ""},
    )
    assert response.status_code == 302
    local_authority.refresh_from_db()
    assert (local_authority.name, local_authority.nation) == ("Renamed Council", "wales")
    event = assert_audited("ADMIN_CHANGED", local_authority, change="changed")
    assert (event.actor_id, event.target_type) == (superuser.pk, "accounts.localauthority")
    assert "Renamed" not in str(event.details)


@pytest.mark.django_db
def test_deleting_a_lost_authenticator_in_the_admin_is_audited(client, superuser, triage_officer, assert_audited):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=triage_officer, name="Lost phone", confirmed=True)
    client.force_login(superuser)
    response = client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    event = assert_audited("ADMIN_CHANGED", change="deleted")
    assert (event.target_type, event.target_id, event.actor_id) == ("otp_totp.totpdevice", str(device.pk), superuser.pk)


@pytest.mark.django_db
def test_staff_without_superuser_cannot_reach_the_admin_models(client, triage_officer):
    triage_officer.is_staff = True
    triage_officer.save(update_fields=["is_staff"])
    client.force_login(triage_officer)
    assert client.get("/admin/accounts/localauthority/").status_code == 403
    assert client.get("/admin/accounts/user/").status_code == 403


# --- second-factor secrets never appear in the admin (issue 11, point 2)
KNOWN_BASE32 = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _secret_forms(key_hex: str) -> list[str]:
    import base64

    raw = bytes.fromhex(key_hex)
    return [key_hex, key_hex.upper(), base64.b32encode(raw).decode().rstrip("="), "otpauth://"]


@pytest.mark.django_db
def test_authenticator_admin_pages_show_no_key_or_qr_code(client, superuser, triage_officer):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.services import totp_secret_to_hex

    key = totp_secret_to_hex(KNOWN_BASE32)
    device = TOTPDevice.objects.create(user=triage_officer, name="Phone", key=key, confirmed=True)
    client.force_login(superuser)
    for url in ("/admin/otp_totp/totpdevice/", f"/admin/otp_totp/totpdevice/{device.pk}/change/"):
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200, url
        assert triage_officer.email in body
        for secret in _secret_forms(key):
            assert secret not in body, (url, secret)
        assert "qrcode" not in body.lower()
        assert 'name="key"' not in body
    for url in (f"/admin/otp_totp/totpdevice/{device.pk}/config/", f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/"):
        response = client.get(url, follow=True)
        assert "image/svg" not in response.get("Content-Type", "")
        assert all(secret not in response.content.decode() for secret in _secret_forms(key))


@pytest.mark.django_db
def test_backup_code_admin_pages_show_no_codes(client, superuser, triage_officer):
    from django_otp.plugins.otp_static.models import StaticDevice

    device = StaticDevice.objects.create(user=triage_officer, name="backup", confirmed=True)
    device.token_set.create(token="zq7kx2mw")
    client.force_login(superuser)
    for url in ("/admin/otp_static/staticdevice/", f"/admin/otp_static/staticdevice/{device.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "zq7kx2mw" not in response.content.decode()
        assert "token_set" not in response.content.decode()


@pytest.mark.django_db
def test_passkey_admin_pages_show_no_public_key_or_credential_id(client, superuser, triage_officer):
    from django_otp_webauthn.models import WebAuthnCredential

    passkey = WebAuthnCredential.objects.create(
        user=triage_officer,
        name="Laptop",
        confirmed=True,
        credential_type="public-key",
        credential_id=bytes(range(32)),
        public_key=bytes(range(100, 177)),
    )
    client.force_login(superuser)
    for url in (
        "/admin/django_otp_webauthn/webauthncredential/",
        f"/admin/django_otp_webauthn/webauthncredential/{passkey.pk}/change/",
    ):
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200, url
        assert triage_officer.email in body
        assert bytes(range(100, 177)).hex() not in body
        assert passkey.credential_id_sha256 not in body
        assert bytes(range(32)).hex() not in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model_url",
    ["otp_totp/totpdevice", "otp_static/staticdevice", "django_otp_webauthn/webauthncredential"],
)
def test_second_factor_devices_cannot_be_added_or_changed_in_the_admin(client, superuser, triage_officer, model_url):
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp_webauthn.models import WebAuthnCredential

    factories = {
        "otp_totp/totpdevice": lambda: TOTPDevice.objects.create(user=triage_officer, name="Phone", confirmed=True),
        "otp_static/staticdevice": lambda: StaticDevice.objects.create(user=triage_officer, name="b", confirmed=True),
        "django_otp_webauthn/webauthncredential": lambda: WebAuthnCredential.objects.create(
            user=triage_officer, name="Key", confirmed=True, credential_id=b"\x01" * 16, public_key=b"\x02" * 16
        ),
    }
    device = factories[model_url]()
    client.force_login(superuser)
    assert client.get(f"/admin/{model_url}/add/").status_code == 403
    change_url = f"/admin/{model_url}/{device.pk}/change/"
    page = client.get(change_url).content.decode()
    assert 'name="user"' not in page
    assert 'name="confirmed"' not in page
    response = client.post(change_url, {"user": superuser.pk, "name": "Mine now", "confirmed": "on"})
    assert response.status_code == 403
    device.refresh_from_db()
    assert device.user_id == triage_officer.pk
    assert device.name != "Mine now"


# --- memberships: through the same audited service as the Prevent lead's pages
def _membership_url(user) -> str:
    return f"/admin/accounts/user/{user.pk}/membership/"


@pytest.mark.django_db
def test_the_user_change_page_does_not_write_memberships_directly(client, superuser, triage_officer):
    client.force_login(superuser)
    page = client.get(f"/admin/accounts/user/{triage_officer.pk}/change/").content.decode()
    assert 'name="membership_record-0-role"' not in page
    assert _membership_url(triage_officer) in page


@pytest.mark.django_db
def test_membership_change_in_the_admin_is_audited_with_role_before_and_after(
    client, superuser, triage_officer, other_local_authority, assert_audited
):
    client.force_login(superuser)
    page = client.get(_membership_url(triage_officer))
    assert page.status_code == 200
    response = client.post(
        _membership_url(triage_officer),
        {"local_authority": other_local_authority.pk, "role": "channel_chair", "organisation": ""},
    )
    assert response.status_code == 302
    triage_officer.refresh_from_db()
    assert (triage_officer.role, triage_officer.local_authority_id) == ("channel_chair", other_local_authority.pk)
    event = assert_audited(
        "USER_ROLE_CHANGED",
        triage_officer,
        role="channel_chair",
        previous_role="triage_officer",
        local_authority_id=other_local_authority.pk,
    )
    assert event.actor_id == superuser.pk
    assert event.details["previous_local_authority_id"] != other_local_authority.pk


@pytest.mark.django_db
def test_a_superuser_places_a_user_without_a_membership_in_the_admin(
    client, superuser, local_authority, assert_audited
):
    from accounts.models import User

    user = User.objects.create_user(email="new@test.example.org", password="x" * 20)
    client.force_login(superuser)
    response = client.post(_membership_url(user), {"local_authority": local_authority.pk, "role": "auditor"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.role, user.local_authority_id) == ("auditor", local_authority.pk)
    event = assert_audited("USER_ROLE_CHANGED", user, role="auditor", local_authority_id=local_authority.pk)
    assert "previous_role" not in event.details


@pytest.mark.django_db
def test_a_superuser_cannot_change_their_own_membership_in_the_admin(
    client, superuser, local_authority, assert_audited
):
    from accounts.models import Membership

    client.force_login(superuser)
    response = client.post(
        _membership_url(superuser), {"local_authority": local_authority.pk, "role": "prevent_lead"}, follow=True
    )
    assert response.status_code == 200
    assert "You cannot change your own role or council" in response.content.decode()
    assert not Membership.objects.filter(user=superuser).exists()
    assert_audited("USER_CHANGE_REFUSED", superuser, outcome="refused", change="membership")
    assert client.get(_membership_url(superuser)).status_code == 403


@pytest.mark.django_db
def test_the_role_change_service_refuses_ones_own_membership_whatever_the_caller(
    superuser, prevent_lead, local_authority, assert_audited
):
    from accounts.exceptions import UserChangeRefused
    from accounts.models import Role
    from accounts.services import user_role_change

    with pytest.raises(UserChangeRefused):
        user_role_change(actor=superuser, user=superuser, role=Role.PREVENT_LEAD, local_authority=local_authority)
    with pytest.raises(UserChangeRefused):
        user_role_change(actor=prevent_lead, user=prevent_lead, role=Role.AUDITOR)
    prevent_lead.refresh_from_db()
    assert prevent_lead.role == Role.PREVENT_LEAD
    assert_audited("USER_CHANGE_REFUSED", prevent_lead, outcome="refused", change="role")


@pytest.mark.django_db
def test_a_prevent_lead_cannot_move_a_user_to_another_council(
    prevent_lead, triage_officer, other_local_authority, assert_audited
):
    from accounts.exceptions import UserChangeRefused
    from accounts.services import user_role_change

    with pytest.raises(UserChangeRefused):
        user_role_change(
            actor=prevent_lead, user=triage_officer, role="triage_officer", local_authority=other_local_authority
        )
    triage_officer.refresh_from_db()
    assert triage_officer.local_authority_id != other_local_authority.pk


# --- a signed-in user who is not staff: a plain 403, not a redirect loop
@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/", "/admin/accounts/localauthority/", "/admin/accounts/user/"])
def test_a_signed_in_user_who_is_not_staff_gets_403_at_the_admin(client, triage_officer, assert_audited, url):
    client.force_login(triage_officer)
    response = client.get(url)
    assert response.status_code == 403
    assert "You cannot use this page" in response.content.decode()
    event = assert_audited("ACCESS_REFUSED", outcome="refused", status=403)
    assert event.actor_id == triage_officer.pk


@pytest.mark.django_db
def test_following_the_admin_redirects_as_a_non_staff_user_ends_in_403_not_a_loop(client, triage_officer):
    client.force_login(triage_officer)
    response = client.get("/admin/login/?next=/admin/", follow=True)
    assert len(response.redirect_chain) < 5
    assert response.status_code == 403


@pytest.mark.django_db
def test_an_anonymous_visitor_is_sent_to_the_one_sign_in_page(client):
    response = client.get("/admin/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/accounts/sign-in/")
    assert "next=/admin/" in response.redirect_chain[-1][0].replace("%2F", "/")


def _user_form(user, **changes) -> dict:
    data = {
        "email": user.email,
        "display_name": user.display_name,
        "is_active": "on",
        "is_staff": "",
        "is_superuser": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


@pytest.mark.django_db
def test_deactivating_a_user_in_the_admin_goes_through_the_audited_service(
    client, superuser, triage_officer, assert_audited
):
    token = triage_officer.session_token
    client.force_login(superuser)
    url = f"/admin/accounts/user/{triage_officer.pk}/change/"
    response = client.post(url, _user_form(triage_officer, display_name="Renamed", is_active=""))
    assert response.status_code == 302, response.content.decode()
    triage_officer.refresh_from_db()
    assert (triage_officer.is_active, triage_officer.display_name) == (False, "Renamed")
    assert triage_officer.session_token != token
    assert assert_audited("USER_DEACTIVATED", triage_officer).actor_id == superuser.pk


@pytest.mark.django_db
def test_a_superuser_cannot_change_their_own_standing_in_the_admin(client, superuser):
    client.force_login(superuser)
    url = f"/admin/accounts/user/{superuser.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="is_active"' not in page
    assert 'name="is_superuser"' not in page
    response = client.post(url, _user_form(superuser, is_active="", is_superuser=""))
    assert response.status_code == 302
    superuser.refresh_from_db()
    assert superuser.is_active
    assert superuser.is_superuser


def test_groups_are_not_in_the_admin_so_no_global_permission_can_be_given(client, superuser):
    """Roles are memberships; a group could carry global permissions that django-fsm's check would honour."""
    from django.contrib import admin
    from django.contrib.auth.models import Group

    assert not admin.site.is_registered(Group)
    client.force_login(superuser)
    assert client.get("/admin/auth/group/").status_code == 404
