"""The journey through the Django test client (the browser test in tests/e2e walks it in Chromium)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from referrals.choices import ReferralStatus
from referrals.models import Referral

pytestmark = pytest.mark.django_db

PAGES = [
    ("council", None),
    ("name", {"given_name": "Robin", "family_name": "Example", "other_names": ""}),
    ("date-of-birth", {"date_of_birth_day": "3", "date_of_birth_month": "4", "date_of_birth_year": "2012"}),
    ("details", {"gender": "male", "first_language": "English", "interpreter_needed": "no"}),
    ("address", {"address": "2 Test Road", "postcode": "sw1a 2aa", "contact": ""}),
    ("education", {"education_or_employer": "Test Academy"}),
    ("parent-carer", {"parent_name": "Jo Parent", "parent_relationship": "Father", "parent_contact": "01632 960003"}),
    (
        "your-details",
        {
            "referrer_name": "Pat",
            "referrer_role": "Teacher",
            "referrer_organisation": "Test Academy",
            "referrer_sector": "education",
            "referrer_email": "pat@example.org",
            "referrer_phone": "",
        },
    ),
    ("safeguarding-lead", {"safeguarding_lead_aware": "yes"}),
    ("concern", {"concern_description": "What was said in class."}),
    ("concern-when", {"concern_when": "Monday", "concern_how_learned": "Heard it"}),
    ("concern-type", {"concern_type": "unsure"}),
    ("indicators", {"indicators": ["online_activity", "wish_to_harm"], "complex_needs": ""}),
    ("person-aware", {"person_aware": "unknown"}),
    ("other-agencies", {"other_agencies": ""}),
    ("immediate-risk", {"immediate_risk": "no"}),
    ("attachments", {}),
]


def _shown_version(page: str) -> str:
    """The answers version the check-your-answers page carries in its hidden field."""
    found = re.search(r'name="answers_version" value="(\d+)"', page)
    assert found, "the check page carries no answers version"
    return found.group(1)


def _start(client) -> Referral:
    response = client.post(reverse("referrals:start"))
    assert response.status_code == 302
    return Referral.objects.get()


def test_start_page_warns_to_call_999(client, referrer):
    client.force_login(referrer)
    body = client.get(reverse("referrals:start")).content.decode()
    assert "If someone is in immediate danger, call 999." in body
    assert "Start now" in body


def test_whole_journey_for_a_child_with_attachment_and_check_answers(client, referrer, local_authority):
    client.force_login(referrer)
    referral = _start(client)
    for slug, data in PAGES:
        url = reverse("referrals:draft-step", args=[referral.pk, slug])
        page = client.get(url)
        assert page.status_code == 200
        answers = data if data is not None else {"local_authority": str(local_authority.pk)}
        response = client.post(url, {**answers, "continue": "1"})
        assert response.status_code == 302, (slug, response.content.decode()[:3000])
    pdf = SimpleUploadedFile("notes.pdf", b"%PDF-1.4 test content", content_type="application/pdf")
    url = reverse("referrals:draft-step", args=[referral.pk, "attachments"])
    assert client.post(url, {"file": pdf, "upload": "1"}).status_code == 302
    check = client.get(reverse("referrals:draft-check", args=[referral.pk])).content.decode()
    assert "Check your answers" in check
    assert "Jo Parent" in check
    assert "SW1A 2AA" in check
    assert "3 April 2012" in check
    assert "1 uploaded" in check
    assert check.count("Change<span") > 20
    response = client.post(reverse("referrals:draft-check", args=[referral.pk]), {})
    assert "Confirm that the information you have given is correct" in response.content.decode()
    version = _shown_version(check)
    response = client.post(
        reverse("referrals:draft-check", args=[referral.pk]), {"declaration": "on", "answers_version": version}
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert response.url == reverse("referrals:referral-confirmation", args=[referral.reference])
    confirmation = client.get(response.url).content.decode()
    assert "Referral sent" in confirmation
    assert referral.reference in confirmation
    assert referral.attachments.count() == 1


def test_adult_journey_skips_the_parent_page(client, referrer):
    client.force_login(referrer)
    referral = _start(client)
    url = reverse("referrals:draft-step", args=[referral.pk, "education"])
    client.post(
        reverse("referrals:draft-step", args=[referral.pk, "date-of-birth"]),
        {"date_of_birth_day": "1", "date_of_birth_month": "1", "date_of_birth_year": "1980"},
    )
    response = client.post(url, {"education_or_employer": ""})
    assert response.url.endswith("/your-details/")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date_of_birth_day": "31", "date_of_birth_month": "2", "date_of_birth_year": "2010"}, "must be a real date"),
        ({"date_of_birth_day": "1", "date_of_birth_month": "", "date_of_birth_year": "2010"}, "must include a month"),
        ({"date_of_birth_day": "1", "date_of_birth_month": "1", "date_of_birth_year": "2999"}, "must be in the past"),
        ({}, "Enter their date of birth, or their approximate age"),
        ({"approximate_age": "abc"}, "Approximate age must be a whole number"),
    ],
)
def test_date_of_birth_errors_use_the_error_summary(client, referrer, data, message):
    client.force_login(referrer)
    referral = _start(client)
    response = client.post(reverse("referrals:draft-step", args=[referral.pk, "date-of-birth"]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert message in body
    assert "govuk-error-summary" in body
    assert "<title>Error:" in body


def test_save_and_come_back_later_then_resume(client, referrer):
    client.force_login(referrer)
    referral = _start(client)
    url = reverse("referrals:draft-step", args=[referral.pk, "name"])
    response = client.post(url, {"given_name": "Kim", "family_name": "Resume", "save_and_return": "1"})
    assert response.url == reverse("referrals:my-referrals")
    listing = client.get(response.url).content.decode()
    assert "Referrals you have not sent yet" in listing
    assert "Kim" in listing  # the author tells their drafts apart by the first name given
    page = client.get(url).content.decode()
    assert 'value="Kim"' in page
    assert AuditEvent.objects.filter(action="REFERRAL_DRAFT_SAVED", target_id=str(referral.pk)).exists()


def test_incomplete_draft_lists_missing_answers_linking_to_their_pages(client, referrer):
    client.force_login(referrer)
    referral = _start(client)
    version = _shown_version(client.get(reverse("referrals:draft-check", args=[referral.pk])).content.decode())
    response = client.post(
        reverse("referrals:draft-check", args=[referral.pk]), {"declaration": "on", "answers_version": version}
    )
    body = response.content.decode()
    assert "Enter their first name" in body
    assert reverse("referrals:draft-step", args=[referral.pk, "name"]) + "?return=check" in body
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT


@pytest.mark.parametrize(
    ("name", "content"),
    [("report.pdf", b"MZ\x90\x00 not a pdf"), ("empty.pdf", b""), ("fake.docx", b"PK\x03\x04garbage")],
)
def test_disguised_or_empty_attachment_is_refused(client, referrer, name, content):
    client.force_login(referrer)
    referral = _start(client)
    upload = SimpleUploadedFile(name, content)
    url = reverse("referrals:draft-step", args=[referral.pk, "attachments"])
    response = client.post(url, {"file": upload, "upload": "1"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert referral.attachments.count() == 0


def test_upload_file_with_no_file_chosen_asks_for_one_and_continue_without_one_moves_on(client, referrer):
    client.force_login(referrer)
    referral = _start(client)
    url = reverse("referrals:draft-step", args=[referral.pk, "attachments"])
    response = client.post(url, {"upload": "1"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Select a file to upload" in body
    assert client.post(url, {}).status_code == 302  # Continue: documents are optional


def test_oversized_attachment_is_refused(client, referrer, settings):
    settings.REFERRAL_ATTACHMENT_MAX_BYTES = 1024 * 1024
    client.force_login(referrer)
    referral = _start(client)
    upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (1024 * 1024 + 1))
    response = client.post(reverse("referrals:draft-step", args=[referral.pk, "attachments"]), {"file": upload})
    assert "must be smaller than 1MB" in response.content.decode()
    assert referral.attachments.count() == 0


def test_someone_elses_draft_is_404(client, referrer, triage_officer):
    client.force_login(referrer)
    referral = _start(client)
    client.force_login(triage_officer)
    assert client.get(reverse("referrals:draft-step", args=[referral.pk, "name"])).status_code == 404
    assert client.get(reverse("referrals:draft-check", args=[referral.pk])).status_code == 404


def test_attachment_download_is_audited(client, referrer, triage_officer):
    from referrals import services

    from .factories import draft_referral

    referral = draft_referral(user=referrer)
    services.referral_attachment_add(
        referral=referral, actor=referrer, fileobj=io.BytesIO(b"%PDF-1.4 hello"), filename="a.pdf", size=14
    )
    referral = services.referral_submit(referral=referral, actor=referrer)
    attachment = referral.attachments.get()
    client.force_login(triage_officer)
    response = client.get(reverse("referrals:referral-attachment", args=[referral.reference, attachment.pk]))
    assert b"".join(response.streaming_content) == b"%PDF-1.4 hello"
    assert AuditEvent.objects.filter(action="ATTACHMENT_DOWNLOADED", case_reference=referral.reference).exists()


def test_continue_a_saved_draft_resumes_at_the_first_unanswered_page(client, referrer):
    client.force_login(referrer)
    referral = _start(client)
    client.post(
        reverse("referrals:draft-step", args=[referral.pk, "name"]),
        {"given_name": "Kim", "family_name": "Resume", "save_and_return": "1"},
    )
    response = client.get(reverse("referrals:draft-resume", args=[referral.pk]))
    assert response.url == reverse("referrals:draft-step", args=[referral.pk, "date-of-birth"])


def test_double_click_on_accept_and_send_gives_one_referral(client, referrer):
    from .factories import draft_referral

    referral = draft_referral(user=referrer)
    client.force_login(referrer)
    url = reverse("referrals:draft-check", args=[referral.pk])
    version = _shown_version(client.get(url).content.decode())
    first = client.post(url, {"declaration": "on", "answers_version": version})
    second = client.post(url, {"declaration": "on", "answers_version": version})
    referral.refresh_from_db()
    assert first.url == second.url == reverse("referrals:referral-confirmation", args=[referral.reference])
    assert Referral.objects.exclude(status=ReferralStatus.DRAFT).count() == 1
    assert AuditEvent.objects.filter(action="REFERRAL_SUBMITTED").count() == 1


# --- "Phone number or email address": a phone number or an email address, nothing else

CONTACT_INVALID = (
    "Enter a phone number, like 01632 960 001 or 07700 900 982, or an email address, like name@example.com"
)


@pytest.mark.parametrize(
    ("slug", "name", "others"),
    [
        ("address", "contact", {"address": "2 Test Road", "postcode": "SW1A 2AA"}),
        ("parent-carer", "parent_contact", {"parent_name": "Jo Parent", "parent_relationship": "Father"}),
    ],
)
def test_a_contact_that_is_neither_a_phone_number_nor_an_email_address_is_refused(client, referrer, slug, name, others):
    client.force_login(referrer)
    referral = _start(client)
    for typed in ("Test text", "0161 496", "07700 900982 ext", "jo@", "jo@example"):
        response = client.post(reverse("referrals:draft-step", args=[referral.pk, slug]), {**others, name: typed})
        assert response.status_code == 200, typed
        body = response.content.decode()
        assert "govuk-error-summary" in body
        assert f'<a href="#id_{name}">{CONTACT_INVALID}</a>' in body, typed
        assert f'value="{typed}"' in body, typed
        assert getattr(Referral.objects.get(pk=referral.pk), name) == ""


@pytest.mark.parametrize(
    "typed", ["07700 900982", "+44 (0)161 496 0000", "0161-496-0000", "jo.parent+school@example.co.uk"]
)
def test_a_phone_number_or_an_email_address_is_kept(client, referrer, typed):
    client.force_login(referrer)
    referral = _start(client)
    data = {"parent_name": "Jo Parent", "parent_relationship": "Father", "parent_contact": f" {typed} "}
    response = client.post(reverse("referrals:draft-step", args=[referral.pk, "parent-carer"]), data)
    assert response.status_code == 302
    assert Referral.objects.get(pk=referral.pk).parent_contact == typed
