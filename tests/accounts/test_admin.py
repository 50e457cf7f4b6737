"""The admin holds reference data and users only: no case model is ever registered."""

from __future__ import annotations

import pytest
from django.contrib import admin

CASE_APPS = {"referrals", "channel", "closure", "audit", "encryption", "benchmarking"}


def test_no_case_model_is_registered_in_the_admin():
    registered = {model._meta.app_label for model in admin.site._registry}
    assert {"accounts"} <= registered
    assert registered & CASE_APPS == set()


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
    client.force_login(triage_officer)
    response = client.get("/admin/accounts/localauthority/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
