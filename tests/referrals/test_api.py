from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.services import api_token_create
from audit.models import AuditEvent
from referrals import services
from referrals.models import Referral

from .factories import adult_answers, child_answers, submitted_referral

pytestmark = pytest.mark.django_db
URL = "/api/v1/referrals/"


def _json(answers: dict) -> dict:
    payload = {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in answers.items()}
    payload["approximate_age"] = int(payload["approximate_age"]) if payload.get("approximate_age") else None
    return payload


@pytest.fixture
def api(referrer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=referrer)[1]}")
    return client


def test_create_returns_a_receipt_and_a_submitted_encrypted_referral(api, referrer):
    response = api.post(URL, _json(adult_answers()), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"reference", "status", "submitted_at"}
    assert body["status"] == "received"
    referral = Referral.objects.get(reference=body["reference"])
    assert referral.created_by == referrer
    assert referral.given_name == "Alex"
    assert AuditEvent.objects.filter(
        action="REFERRAL_SUBMITTED", case_reference=referral.reference, details__via="API"
    ).exists()


def test_missing_and_malformed_answers_get_field_errors(api):
    payload = _json(adult_answers(postcode="nope", gender="dragon", referrer_email="x"))
    del payload["given_name"]
    payload["date_of_birth"] = "2001-02-30"
    response = api.post(URL, payload, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert {"given_name", "postcode", "gender", "referrer_email", "date_of_birth"} <= set(errors)
    assert Referral.objects.count() == 0


def test_service_rules_apply_to_the_api_too(api):
    payload = _json({k: v for k, v in child_answers().items() if not k.startswith("parent")})
    response = api.post(URL, payload, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"parent_name", "parent_relationship", "parent_contact"}
    future = _json(adult_answers(date_of_birth=datetime.date.today() + datetime.timedelta(days=5)))  # noqa: DTZ011
    assert api.post(URL, future, format="json").json() == {"date_of_birth": ["Date of birth must be in the past"]}


def test_unknown_fields_are_refused(api):
    response = api.post(URL, {**_json(adult_answers()), "ssn": "1"}, format="json")
    assert response.status_code == 400
    assert "ssn" in response.json()


def test_idempotency_key_returns_the_same_single_referral(api):
    first = api.post(URL, _json(adult_answers()), format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    second = api.post(URL, _json(adult_answers()), format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["reference"] == first.json()["reference"]
    assert Referral.objects.count() == 1


def test_status_is_for_the_referrer_who_made_it_only(api, triage_officer, referrer):
    reference = api.post(URL, _json(adult_answers()), format="json").json()["reference"]
    response = api.get(f"/api/v1/referrals/{reference}/status/")
    assert response.json()["status"] == "received"
    services.referral_start_screening(referral=Referral.objects.get(reference=reference), actor=triage_officer)
    assert api.get(f"/api/v1/referrals/{reference}/status/").json()["status"] == "being_assessed"
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=triage_officer)[1]}")
    assert other.get(f"/api/v1/referrals/{reference}/status/").status_code == 404
    assert api.get("/api/v1/referrals/PRV-2000-000001/status/").status_code == 404


def test_unauthenticated_calls_are_refused(referrer):
    assert APIClient().post(URL, _json(adult_answers()), format="json").status_code == 401
    assert Referral.objects.count() == 0


def test_create_is_rate_limited(api, settings):
    from django.core.cache import cache

    cache.clear()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "referral_create": "2/min"},
    }
    from rest_framework.throttling import ScopedRateThrottle

    # The class keeps the rates it read at import: put back those, not the overridden settings still in force.
    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    try:
        codes = [api.post(URL, {}, format="json").status_code for _ in range(3)]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = original
        cache.clear()
    assert codes == [400, 400, 429]


def test_schema_describes_the_request_body_completely(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    import yaml

    schema = yaml.safe_load(response.content)
    body = schema["components"]["schemas"]["ReferralInput"]
    assert "given_name" in body["required"]
    assert body["properties"]["given_name"]["maxLength"] == 100
    assert body["properties"]["date_of_birth"]["format"] == "date"
    assert "pattern" in body["properties"]["postcode"]
    enums = schema["components"]["schemas"]
    gender_ref = body["properties"]["gender"]["allOf"][0]["$ref"].split("/")[-1]
    assert set(enums[gender_ref]["enum"]) == {"female", "male", "other", "unknown"}
    assert "Idempotency-Key" in str(schema["paths"]["/api/v1/referrals/"]["post"]["parameters"])


def test_docs_page_lists_endpoints_and_fields(client):
    body = client.get(reverse("api:docs")).content.decode()
    assert "POST /api/v1/referrals/" in body
    assert "<code>concern_description</code>" in body
    assert "cdn" not in body.lower()


def test_docs_and_schema_are_public_and_hold_no_case_data(client, referrer, canaries):
    """ACCESS.md: the API docs and schema hold no data and may be public (they describe fields, never values)."""
    referral = submitted_referral(user=referrer, given_name=canaries["first_name"], family_name=canaries["last_name"])
    for url in ("/api/docs/", "/api/schema/"):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert referral.reference not in body
        assert canaries["first_name"] not in body
        assert canaries["last_name"] not in body
        assert referrer.email not in body
    assert "expires after 90 days" in client.get("/api/docs/").content.decode()


def _value_from_schema(prop: dict, components: dict):
    """What a generated client would send, knowing only the schema: enums, formats, patterns, limits."""
    from hypothesis import strategies as st

    if "allOf" in prop:
        prop = {**components[prop["allOf"][0]["$ref"].split("/")[-1]], **prop}
    if "$ref" in prop:
        prop = components[prop["$ref"].split("/")[-1]]
    if "enum" in prop:
        return prop["enum"][0]
    if prop.get("type") == "array":
        return [_value_from_schema(prop["items"], components)]
    if prop.get("format") == "date":
        return "1990-06-15"
    if prop.get("format") == "email":
        return "client@example.org"
    if "pattern" in prop:
        return st.from_regex(prop["pattern"], fullmatch=True).filter(lambda v: v.strip() == v).example()
    return "x" * min(5, prop.get("maxLength", 5))


def test_a_valid_referral_can_be_built_from_the_schema_alone(client, api):
    import warnings

    import yaml
    from hypothesis.errors import NonInteractiveExampleWarning

    schema = yaml.safe_load(client.get("/api/schema/").content)
    components = schema["components"]["schemas"]
    body = components["ReferralInput"]
    payload = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonInteractiveExampleWarning)
        for name in [*body["required"], "date_of_birth"]:  # date_of_birth: "Required unless approximate_age"
            payload[name] = _value_from_schema(body["properties"][name], components)
    response = api.post(URL, payload, format="json")
    assert response.status_code == 201, response.json()


# --- point 12: the API speaks GOV.UK, in the form's words, all at once

DRF_DEFAULT_WORDS = ("This field", "Object with", "does not exist", "Ensure this", "valid", "Not a", "may not")


def _messages(errors: dict) -> list[str]:
    return [message for messages in errors.values() for message in messages]


def test_missing_blank_and_malformed_answers_get_the_forms_words(api):
    from referrals.forms import answers_form
    from referrals.validation import field_messages

    payload = _json(adult_answers(postcode="nope", gender="dragon", referrer_email="x", referrer_phone="abc"))
    del payload["given_name"]
    payload["family_name"] = "   "
    payload["concern_when"] = "a\x00b"
    payload["date_of_birth"] = "2001-02-30"
    payload["referrer_organisation"] = "x" * 201
    payload["indicators"] = "not a list"
    response = api.post(URL, payload, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert errors == {
        "given_name": ["Enter their first name"],
        "family_name": ["Enter their last name"],
        "concern_when": ["Enter when it happened as text"],
        "date_of_birth": ["Date of birth must be a real date"],
        "postcode": ["Enter a real postcode"],
        "gender": ["Select one of the options for gender"],
        "referrer_email": ["Enter an email address in the correct format, like name@example.com"],
        "referrer_phone": ["Enter a phone number, like 01632 960 001 or 07700 900 982"],
        "referrer_organisation": ["Your organisation must be 200 characters or fewer"],
        "indicators": ["Select one of the options for what you have noticed"],
    }
    # One source: the journey's form fields say the very same sentences.
    form = answers_form("given_name", "family_name", "gender", required=("given_name", "family_name", "gender"))(
        data={"family_name": "", "gender": "dragon"}
    )
    assert not form.is_valid()
    for name in ("given_name", "family_name", "gender"):
        assert (
            form.errors[name]
            == errors[name]
            == [field_messages(name).get("required" if name != "gender" else "invalid_choice")]
        )
    assert not [m for m in _messages(errors) if any(words in m for words in DRF_DEFAULT_WORDS)]


def test_null_answers_and_wrong_types_get_gov_uk_words_too(api):
    payload = _json(adult_answers())
    payload |= {
        "given_name": None,
        "gender": None,
        "approximate_age": "old",
        "other_names": 12,
        "local_authority": None,
    }
    errors = api.post(URL, payload, format="json").json()
    assert errors["given_name"] == ["Enter their first name"]
    assert errors["gender"] == ["Select their gender"]
    assert errors["approximate_age"] == ["Approximate age must be a whole number between 0 and 120"]
    assert errors["local_authority"] == ["Select the council area where the person lives"]
    assert not [m for m in _messages(errors) if any(words in m for words in DRF_DEFAULT_WORDS)]
    whole = api.post(URL, [1, 2], format="json")
    assert whole.status_code == 400
    assert _messages(whole.json()) == ["Send the referral as a JSON object of field names and answers"]


def test_an_unknown_ons_code_is_refused_in_the_council_pages_words(api, local_authority):
    from referrals.forms import CouncilForm

    for code in ("E99999999", "not-a-code", 7):
        response = api.post(URL, {**_json(adult_answers()), "local_authority": code}, format="json")
        assert response.status_code == 400
        assert response.json() == {"local_authority": ["Select the council area where the person lives"]}
    form = CouncilForm(data={"local_authority": "0"})
    assert not form.is_valid()
    assert form.errors["local_authority"] == response.json()["local_authority"]
    ok = api.post(URL, {**_json(adult_answers()), "local_authority": local_authority.ons_code}, format="json")
    assert ok.status_code == 201, ok.json()


def test_all_errors_of_a_request_come_back_together(api):
    """Field errors, unknown names, the idempotency key and the referral's rules (a child's parent) in one 400."""
    payload = _json({k: v for k, v in child_answers(postcode="nope").items() if not k.startswith("parent")})
    payload["ssn"] = "1"
    response = api.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="k" * 101)
    assert response.status_code == 400
    assert set(response.json()) == {
        "postcode",
        "ssn",
        "Idempotency-Key",
        "parent_name",
        "parent_relationship",
        "parent_contact",
    }
    assert response.json()["ssn"] == ["This is not a question on the referral form"]
    both_missing = _json(adult_answers(postcode="nope"))
    both_missing["date_of_birth"] = None
    errors = api.post(URL, both_missing, format="json").json()
    assert set(errors) == {"postcode", "date_of_birth"}
    assert errors["date_of_birth"] == ["Enter their date of birth, or their approximate age if you do not know it"]
    assert Referral.objects.count() == 0


# --- point 12: files through the API

PDF = b"%PDF-1.4 an api attachment"


def _upload(client, reference: str, content: bytes | None = PDF, name: str = "notes.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {} if content is None else {"file": SimpleUploadedFile(name, content)}
    return client.post(f"/api/v1/referrals/{reference}/attachments/", data, format="multipart")


def test_the_author_adds_a_file_to_a_referral_sent_by_the_api(api, referrer, assert_audited):
    reference = api.post(URL, _json(adult_answers()), format="json").json()["reference"]
    response = _upload(api, reference)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == {"id", "content_type", "size"}
    assert body["content_type"] == "application/pdf"
    assert body["size"] == len(PDF)
    referral = Referral.objects.get(reference=reference)
    attachment = referral.attachments.get()
    assert str(attachment.pk) == body["id"]
    assert attachment.added_by == referrer
    assert_audited("REFERRAL_ATTACHMENT_ADDED", referral, size=len(PDF), attachment_id=body["id"])


def test_another_users_token_gets_404_audited(api, referrer, triage_officer, make_user, local_authority):
    from accounts.models import Role

    reference = api.post(URL, _json(adult_answers()), format="json").json()["reference"]
    for user in (triage_officer, make_user(local_authority, Role.REFERRER, prefix="second-")):
        other = APIClient()
        other.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=user)[1]}")
        assert _upload(other, reference).status_code == 404
        assert AuditEvent.objects.filter(
            action="ACCESS_REFUSED", actor_id=user.pk, case_reference=reference, outcome="refused"
        ).exists()
    assert _upload(APIClient(), reference).status_code == 401
    assert not Referral.objects.get(reference=reference).attachments.exists()


def test_files_are_refused_once_screening_has_started(api, triage_officer, assert_audited):
    reference = api.post(URL, _json(adult_answers()), format="json").json()["reference"]
    referral = services.referral_start_screening(
        referral=Referral.objects.get(reference=reference), actor=triage_officer
    )
    response = _upload(api, reference)
    assert response.status_code == 409
    assert response.json() == {"detail": "Files can be added to a referral only until screening starts"}
    assert not referral.attachments.exists()
    assert_audited("REFERRAL_ATTACHMENT_ADDED", referral, outcome="refused")


def test_api_files_obey_the_pages_size_and_type_rules_in_their_words(api, settings):
    from referrals.forms import AttachmentForm
    from referrals.validation import ATTACHMENT_MESSAGES

    reference = api.post(URL, _json(adult_answers()), format="json").json()["reference"]
    assert _upload(api, reference, b"MZ\x90\x00 not a document", "notes.pdf").json() == {
        "file": ["The selected file must be a PDF, Word document, JPG, PNG or GIF"]
    }
    assert _upload(api, reference, None).json() == {"file": [ATTACHMENT_MESSAGES["required"]]}
    assert _upload(api, reference, b"").json() == {"file": ["The selected file is empty"]}
    settings.REFERRAL_ATTACHMENT_MAX_BYTES = 2 * 1024 * 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 3 * 1024 * 1024
    too_big = _upload(api, reference, PDF + b"0" * (2 * 1024 * 1024))
    assert too_big.status_code == 400
    assert too_big.json() == {"file": ["The selected file must be smaller than 2MB"]}
    # Beyond the memory allowance the upload handler keeps no bytes (nothing spooled to disk): refused by size too.
    beyond = _upload(api, reference, PDF + b"0" * (4 * 1024 * 1024))
    assert beyond.json() == {"file": ["The selected file must be smaller than 2MB"]}
    assert not Referral.objects.get(reference=reference).attachments.exists()
    assert AttachmentForm.base_fields["file"].error_messages["invalid"] == ATTACHMENT_MESSAGES["invalid"]


def test_docs_page_shows_types_a_person_reads(client):
    body = client.get(reverse("api:docs")).content.decode()
    assert "text, up to 100 characters" in body
    assert "date, YYYY-MM-DD" in body
    assert "whole number, 0 to 120" in body
    assert "UK postcode, up to 10 characters" in body
    assert "email address, up to 254 characters" in body
    assert "ONS code, a letter then 8 digits" in body
    assert "one of: <code>female</code> (Female), <code>male</code> (Male)" in body
    assert "/api/v1/referrals/{reference}/attachments/" in body
    for internal in ("regex", "slugrelated", "multiplechoice", ">char<", ">integer<", ">email<"):
        assert internal not in body.lower(), internal
    assert "For example, 2010-03-27" in body
    assert "27 3 2010" not in body  # the page's three boxes are not the API's format
    assert ".." not in body.replace("...", "")
    assert "?." not in body


def test_numbers_and_objects_are_not_taken_for_text_or_lists(api):
    """Found by Schemathesis: REST framework turned 0 into "0" and {} into [], where the schema says text and a list."""
    payload = {**_json(adult_answers()), "other_agencies": 0, "given_name": 7, "indicators": {}}
    errors = api.post(URL, payload, format="json").json()
    assert errors == {
        "other_agencies": ["Enter other agencies involved as text"],
        "given_name": ["Enter first name as text"],
        "indicators": ["Select one of the options for what you have noticed"],
    }


# --- "Phone number or email address": the journey's rule, the schema's pattern


def test_a_contact_that_is_neither_a_phone_number_nor_an_email_address_is_refused_in_the_forms_words(api):
    from referrals.validation import CONTACT_INVALID

    payload = _json(child_answers(contact="Test text", parent_contact="call the school"))
    response = api.post(URL, payload, format="json")
    assert response.status_code == 400
    assert response.json() == {"contact": [CONTACT_INVALID], "parent_contact": [CONTACT_INVALID]}
    payload = _json(child_answers(contact="robin@example.org", parent_contact="+44 161 496 0000"))
    assert api.post(URL, payload, format="json").status_code == 201


def test_the_schema_and_the_docs_say_what_a_contact_may_be(client):
    import yaml

    from referrals.validation import CONTACT_RE

    schema = yaml.safe_load(client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content)
    body = schema["components"]["schemas"]["ReferralInput"]
    for name in ("contact", "parent_contact"):
        patterns = [one["pattern"] for one in body["properties"][name]["oneOf"] if "pattern" in one]
        assert patterns == [CONTACT_RE.pattern], name
    docs = client.get(reverse("api:docs")).content.decode()
    assert "phone number (at least 10 digits) or email address, up to 200 characters" in docs


def test_every_contact_the_schemas_pattern_allows_is_accepted():
    """A client that builds a contact from the pattern alone is never refused by the server's own check."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from referrals.validation import CONTACT_RE, answers_validate

    @settings(max_examples=200, deadline=None)
    @given(st.from_regex(CONTACT_RE, fullmatch=True).filter(lambda v: len(v.strip()) <= 200))
    def accepted(value):
        _, errors = answers_validate({"contact": value})
        assert errors == {}, value

    accepted()
