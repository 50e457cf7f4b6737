from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.models import LocalAuthority, Membership, Role, Sector, User
from tests.conftest import TEST_PASSWORD


def test_nine_roles_exist():
    assert set(Role.values) == {
        "referrer",
        "triage_officer",
        "police_prevent_officer",
        "channel_chair",
        "panel_member",
        "partner_contributor",
        "intervention_provider",
        "prevent_lead",
        "auditor",
    }


def test_sectors_cover_the_home_office_referral_sources():
    assert {"education", "health", "local_authority", "police", "community", "family_friends", "other"} <= set(
        Sector.values
    )


@pytest.mark.django_db
def test_sign_in_is_by_email_case_insensitively(triage_officer, rf):
    # django-axes (first backend) needs the request of every sign-in.
    request = rf.post("/accounts/sign-in/")
    assert authenticate(request, username="TRIAGE_OFFICER@test.example.org", password=TEST_PASSWORD) == triage_officer
    assert authenticate(request, username="triage_officer@test.example.org", password="wrong-password-123") is None


@pytest.mark.django_db
def test_email_is_stored_lower_case_and_unique():
    User.objects.create_user(email="Person@Example.org", password=TEST_PASSWORD)
    assert User.objects.filter(email="person@example.org").exists()
    with pytest.raises(ValidationError):
        User.objects.create_user(email="PERSON@example.org", password=TEST_PASSWORD)


@pytest.mark.django_db
def test_a_user_holds_one_membership(triage_officer, other_local_authority):
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=triage_officer, local_authority=other_local_authority, role=Role.AUDITOR)


@pytest.mark.django_db
def test_role_and_authority_come_from_the_membership(triage_officer, local_authority, superuser):
    assert triage_officer.role == Role.TRIAGE_OFFICER
    assert triage_officer.local_authority_id == local_authority.id
    assert triage_officer.has_role(Role.TRIAGE_OFFICER, Role.PREVENT_LEAD)
    assert not triage_officer.has_role(Role.AUDITOR)
    assert superuser.role is None
    assert not superuser.has_role(*Role.values)


@pytest.mark.django_db
def test_ons_code_is_validated():
    authority = LocalAuthority(name="Nowhere", ons_code="X123")
    with pytest.raises(ValidationError, match="ONS code"):
        authority.full_clean()
