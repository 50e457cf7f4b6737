"""The admin holds reference data and users only: no case model is ever registered."""

from __future__ import annotations

import pytest
from django.contrib import admin

CASE_APPS = {"referrals", "channel", "closure", "audit", "encryption", "benchmarking"}


def test_no_case_model_is_registered_in_the_admin():
    registered = {model._meta.app_label for model in admin.site._registry}
    assert {"accounts"} <= registered
    assert registered & CASE_APPS == set()


@pytest.mark.django_db
def test_superuser_can_edit_local_authorities_in_the_admin(client, superuser, local_authority):
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


@pytest.mark.django_db
def test_staff_without_superuser_cannot_reach_the_admin_models(client, triage_officer):
    client.force_login(triage_officer)
    response = client.get("/admin/accounts/localauthority/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
