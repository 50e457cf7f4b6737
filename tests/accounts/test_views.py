from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import TEST_PASSWORD


@pytest.mark.django_db
def test_sign_in_with_empty_form_shows_govuk_error_summary(client):
    response = client.post(reverse("accounts:sign-in"), {"username": "", "password": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body
    assert '<a href="#id_username">Enter your email address</a>' in body
    assert "govuk-form-group--error" in body
    assert "<title>Error: Sign in" in body


@pytest.mark.django_db
def test_sign_in_with_wrong_password_is_refused_without_saying_which_part(client, triage_officer):
    response = client.post(
        reverse("accounts:sign-in"), {"username": triage_officer.email, "password": "not-the-password-1"}
    )
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_in_then_header_offers_sign_out_without_naming_the_user_and_sign_out_signs_out(client, triage_officer):
    response = client.post(
        reverse("accounts:sign-in"), {"username": triage_officer.email, "password": TEST_PASSWORD}, follow=True
    )
    body = response.content.decode()
    assert "Set up your authenticator app" in body  # the password alone opens no page (docs/access.md)
    # Not named before the second factor: the header offers only Sign out.
    assert triage_officer.email not in body
    assert "Triage officer (MASH)" not in body
    assert "Sign out" in body
    response = client.post(reverse("accounts:sign-out"), follow=True)
    assert "You have signed out" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_out_by_get_is_not_allowed(client, triage_officer):
    client.force_login(triage_officer)
    response = client.get(reverse("accounts:sign-out"))
    assert response.status_code == 405
    assert "_auth_user_id" in client.session
