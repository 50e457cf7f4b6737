"""The journey's rough edges (issue 12, point 11): "Your details" filled from the account, drafts told apart,
a date of birth or an approximate age (not both), and no further information for a closed referral."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Organisation, Role
from accounts.services import api_token_create, user_create_with_membership
from audit.models import AuditEvent
from referrals import services
from referrals.choices import ClosingReason
from referrals.exceptions import ReferralClosed, ReferralInvalid
from referrals.models import Referral, ReferralInformation
from referrals.validation import DATE_OF_BIRTH_OR_AGE_NOT_BOTH, answers_complete, answers_validate
from tests.referrals.factories import adult_answers, draft_referral, submitted_referral

pytestmark = pytest.mark.django_db

NOT_BOTH = "Enter their date of birth or their approximate age, not both"
CLOSED = "You cannot add information to this referral because it is closed."


@pytest.fixture
def teacher(local_authority):
    school = Organisation.objects.create(name="Northmoor Academy", sector="education", local_authority=local_authority)
    return user_create_with_membership(
        email="pat.teacher@example.org",
        password="a-long-test-password-1",
        local_authority=local_authority,
        role=Role.REFERRER,
        organisation=school,
        display_name="Pat Teacher",
    )


def _your_details_url(referral: Referral) -> str:
    return reverse("referrals:draft-step", args=[referral.pk, "your-details"])


# --- "Your details" starts filled from the account


def test_your_details_starts_filled_from_the_account(client, teacher):
    client.force_login(teacher)
    client.post(reverse("referrals:start"))
    referral = Referral.objects.get(created_by=teacher)
    body = client.get(_your_details_url(referral)).content.decode()
    assert 'value="Pat Teacher"' in body
    assert 'value="pat.teacher@example.org"' in body
    assert 'value="Northmoor Academy"' in body
    assert '<option value="education" selected>' in body
    assert 'name="referrer_role" value=' not in body  # not on the account: left for the referrer


def test_your_details_stay_editable_and_the_changed_values_are_saved(client, teacher, assert_audited):
    client.force_login(teacher)
    client.post(reverse("referrals:start"))
    referral = Referral.objects.get(created_by=teacher)
    answers = {
        "referrer_name": "Patricia Teacher",
        "referrer_role": "Designated safeguarding lead",
        "referrer_organisation": "Northmoor Sixth Form",
        "referrer_sector": "health",
        "referrer_email": "dsl@northmoor.example.org",
        "referrer_phone": "",
    }
    response = client.post(_your_details_url(referral), answers)
    assert response.status_code == 302
    referral = Referral.objects.get(pk=referral.pk)
    for name, value in answers.items():
        assert getattr(referral, name) == value, name
    assert_audited("REFERRAL_DRAFT_SAVED", referral, step="your-details")
    # What was saved is shown again, not the account's values.
    body = client.get(_your_details_url(referral)).content.decode()
    assert 'value="Patricia Teacher"' in body
    assert 'value="Pat Teacher"' not in body  # the header still names the account holder; the form does not


def test_an_account_without_a_name_or_organisation_leaves_those_empty(client, referrer):
    client.force_login(referrer)
    client.post(reverse("referrals:start"))
    referral = Referral.objects.get(created_by=referrer)
    body = client.get(_your_details_url(referral)).content.decode()
    assert f'value="{referrer.email}"' in body
    assert 'name="referrer_name" value=' not in body
    assert 'name="referrer_organisation" value=' not in body


# --- the unsent referrals are told apart, and shown only to their author


def test_unsent_referrals_show_first_name_and_last_saved_to_their_author_only(client, referrer, make_user):
    named = draft_referral(user=referrer, given_name="Robin")
    unnamed = services.referral_draft_create(actor=referrer)
    london = zoneinfo.ZoneInfo("Europe/London")
    Referral.objects.filter(pk=named.pk).update(updated_at=datetime.datetime(2026, 11, 28, 14, 15, tzinfo=london))
    Referral.objects.filter(pk=unnamed.pk).update(updated_at=datetime.datetime(2026, 11, 27, 9, 5, tzinfo=london))
    client.force_login(referrer)
    body = client.get(reverse("referrals:my-referrals")).content.decode()
    assert "Robin" in body
    assert "28 November 2026 at 2:15pm" in body
    assert "No name given yet" in body
    assert "27 November 2026 at 9:05am" in body
    assert body.index("Robin") < body.index("No name given yet")  # the most recently saved first
    assert 'Continue<span class="govuk-visually-hidden"> the referral about Robin' in body

    colleague = make_user(named.local_authority, Role.REFERRER, prefix="colleague-")
    client.force_login(colleague)
    theirs = client.get(reverse("referrals:my-referrals")).content.decode()
    assert "Robin" not in theirs
    assert "Referrals you have not sent yet" not in theirs


def test_sent_referrals_still_show_no_name(client, referrer):
    referral = submitted_referral(user=referrer, given_name="Hidden")
    client.force_login(referrer)
    body = client.get(reverse("referrals:my-referrals")).content.decode()
    assert referral.reference in body
    assert "Hidden" not in body


# --- a date of birth or an approximate age, not both


def test_both_a_date_of_birth_and_an_approximate_age_are_refused_on_the_page(client, referrer):
    client.force_login(referrer)
    client.post(reverse("referrals:start"))
    referral = Referral.objects.get(created_by=referrer)
    url = reverse("referrals:draft-step", args=[referral.pk, "date-of-birth"])
    data = {"date_of_birth_day": "3", "date_of_birth_month": "4", "date_of_birth_year": "2012", "approximate_age": "14"}
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in body
    assert "govuk-error-summary" in body
    assert NOT_BOTH in body
    assert 'href="#id_date_of_birth_day"' in body
    referral = Referral.objects.get(pk=referral.pk)
    assert referral.date_of_birth is None
    assert referral.approximate_age == ""
    # Either one alone is taken.
    assert client.post(url, {**data, "approximate_age": ""}).status_code == 302


def test_the_rule_is_in_the_validation_every_entry_point_uses():
    assert DATE_OF_BIRTH_OR_AGE_NOT_BOTH == NOT_BOTH
    _, errors = answers_validate({"date_of_birth": "2012-04-03", "approximate_age": "14"})
    assert errors == {"date_of_birth": [NOT_BOTH]}
    _, errors = answers_validate({"date_of_birth": None, "approximate_age": "14"})
    assert errors == {}
    assert answers_complete(adult_answers(approximate_age="40"))["date_of_birth"] == [NOT_BOTH]


def test_the_draft_service_refuses_both(referrer):
    referral = services.referral_draft_create(actor=referrer)
    with pytest.raises(ReferralInvalid) as caught:
        services.referral_draft_save(
            referral=referral,
            actor=referrer,
            answers={"date_of_birth": datetime.date(2012, 4, 3), "approximate_age": "14"},
        )
    assert caught.value.errors == {"date_of_birth": [NOT_BOTH]}


def test_the_api_refuses_both_with_the_same_words(referrer):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=referrer)[1]}")
    payload = {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in adult_answers().items()}
    payload["approximate_age"] = 40
    response = api.post("/api/v1/referrals/", payload, format="json")
    assert response.status_code == 400
    assert NOT_BOTH in response.json()["date_of_birth"]
    assert not Referral.objects.exclude(status="draft").exists()


# --- further information to a closed referral


def _closed(referrer, triage_officer) -> Referral:
    referral = services.referral_start_screening(referral=submitted_referral(user=referrer), actor=triage_officer)
    return services.referral_close(
        referral=referral, actor=triage_officer, reason_code=ClosingReason.NFA_NO_CONCERN, summary="No concern."
    )


def test_the_service_refuses_information_for_a_closed_referral_and_audits_it(referrer, triage_officer, assert_audited):
    referral = _closed(referrer, triage_officer)
    with pytest.raises(ReferralClosed) as caught:
        services.referral_information_add(referral=referral, actor=referrer, text="Something new")
    assert str(caught.value) == CLOSED
    assert not ReferralInformation.objects.exists()
    assert_audited("REFERRAL_INFORMATION_ADDED", referral, outcome="refused")


def test_the_add_information_page_of_a_closed_referral_says_it_is_closed(client, referrer, triage_officer):
    referral = _closed(referrer, triage_officer)
    client.force_login(referrer)
    url = reverse("referrals:referral-add-information", args=[referral.reference])

    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 403
    assert CLOSED in body
    assert "<textarea" not in body
    assert AuditEvent.objects.filter(action="ACCESS_REFUSED", outcome="refused", case_reference=referral.reference)

    refused = client.post(url, {"text": "Something new"})
    assert refused.status_code == 403
    assert CLOSED in refused.content.decode()
    assert not ReferralInformation.objects.exists()
    events = AuditEvent.objects.filter(action="REFERRAL_INFORMATION_ADDED", outcome="refused")
    assert events.count() == 1  # the service's refusal, not a second one from the middleware


def test_closed_referrals_offer_no_add_information_link(client, referrer, triage_officer):
    closed = _closed(referrer, triage_officer)
    open_one = submitted_referral(user=referrer)
    client.force_login(referrer)
    listing = client.get(reverse("referrals:my-referrals")).content.decode()
    assert reverse("referrals:referral-add-information", args=[open_one.reference]) in listing
    assert reverse("referrals:referral-add-information", args=[closed.reference]) not in listing
    confirmation = client.get(reverse("referrals:referral-confirmation", args=[closed.reference])).content.decode()
    assert reverse("referrals:referral-add-information", args=[closed.reference]) not in confirmation
