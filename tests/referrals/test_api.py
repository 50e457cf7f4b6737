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

    ScopedRateThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    try:
        codes = [api.post(URL, {}, format="json").status_code for _ in range(3)]
    finally:
        from rest_framework.settings import api_settings

        ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
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
