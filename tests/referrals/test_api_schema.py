"""The OpenAPI document and the server agree: what the schema allows is accepted, what it documents happens.

An external fuzzer (Schemathesis, requirements/fuzz.txt) found schema-valid referrals refused: required
text declared without a minimum length, `local_authority` declared nullable, and a 401 not documented.
These walk the generated schema so a new field or endpoint is held to the same rules.
"""

from __future__ import annotations

import re

import pytest
import yaml

from referrals.validation import ANSWERS, ONS_CODE_RE

pytestmark = pytest.mark.django_db
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def _resolve(node: dict, components: dict) -> dict:
    if "$ref" in node:
        return components[node["$ref"].split("/")[-1]]
    if "allOf" in node and len(node["allOf"]) == 1:
        return {**_resolve(node["allOf"][0], components), **{k: v for k, v in node.items() if k != "allOf"}}
    return node


def _operations(schema: dict):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def _request_bodies(schema: dict):
    components = schema["components"]["schemas"]
    for path, method, operation in _operations(schema):
        for media, content in operation.get("requestBody", {}).get("content", {}).items():
            yield f"{method.upper()} {path} {media}", _resolve(content["schema"], components)


def test_every_required_text_field_needs_a_character_that_is_not_a_space(schema):
    components = schema["components"]["schemas"]
    checked = 0
    for where, body in _request_bodies(schema):
        for name in body.get("required", []):
            prop = _resolve(body["properties"][name], components)
            if prop.get("type") == "string" and prop.get("format") != "binary" and "enum" not in prop:
                checked += 1
                assert prop.get("minLength", 0) >= 1, f"{where}: {name} accepts an empty string"
                if prop.get("format") != "email":  # an email address has no spaces by its format
                    assert not re.search(prop["pattern"], " "), f"{where}: {name} accepts spaces only"
                assert not prop.get("nullable"), f"{where}: {name} is required but nullable"
    assert checked >= len([spec for spec in ANSWERS.values() if spec.required and spec.kind != "choice"])


def test_text_fields_refuse_nul_in_the_schema_as_the_server_does(schema):
    """An optional answer is "text, or empty": exactly one alternative of oneOf matches any value."""
    body = schema["components"]["schemas"]["ReferralInput"]
    for name, spec in ANSWERS.items():
        prop = body["properties"][name]
        if spec.kind != "text":
            continue
        if not spec.required:
            text, empty = prop["oneOf"]
            assert empty == {"type": "string", "maxLength": 0}, name
            assert not re.search(text["pattern"], ""), name
            prop = text
        assert "\\u0000" in prop["pattern"], name
        assert not re.search(prop["pattern"].replace("\\u0000", "\\x00"), "a\x00b"), name


def test_local_authority_is_an_ons_code_never_null(client, local_authority, other_local_authority):
    """The pattern, and the councils served: an unknown code is refused, so the schema offers only real ones."""
    schema = yaml.safe_load(client.get("/api/schema/").content)
    components = schema["components"]["schemas"]
    prop = _resolve(components["ReferralInput"]["properties"]["local_authority"], components)
    assert prop["type"] == "string"
    assert prop["pattern"] == ONS_CODE_RE.pattern
    assert set(prop["enum"]) == {local_authority.ons_code, other_local_authority.ons_code}
    assert not prop.get("nullable")
    assert re.fullmatch(prop["pattern"], "E09000007")
    assert not re.fullmatch(prop["pattern"], "E0900000")


def test_no_required_field_is_nullable_and_unknown_fields_are_declared_refused(schema):
    body = schema["components"]["schemas"]["ReferralInput"]
    assert body["additionalProperties"] is False
    for name in body["required"]:
        assert not body["properties"][name].get("nullable"), name


def test_every_operation_documents_401_and_429(schema):
    operations = list(_operations(schema))
    assert {path for path, _, _ in operations} >= {
        "/api/v1/referrals/",
        "/api/v1/referrals/{reference}/status/",
        "/api/v1/referrals/{reference}/attachments/",
    }
    for path, method, operation in operations:
        assert "401" in operation["responses"], f"{method} {path}"
        assert "429" in operation["responses"], f"{method} {path}"
        assert operation.get("security"), f"{method} {path}"


def test_create_takes_json_only_and_its_400_is_a_map_of_messages(schema):
    operation = schema["paths"]["/api/v1/referrals/"]["post"]
    assert set(operation["requestBody"]["content"]) == {"application/json"}
    errors = operation["responses"]["400"]["content"]["application/json"]["schema"]
    assert errors["additionalProperties"] == {"type": "array", "items": {"type": "string"}}


def test_attachment_upload_is_documented_as_multipart_with_its_outcomes(schema):
    operation = schema["paths"]["/api/v1/referrals/{reference}/attachments/"]["post"]
    content = operation["requestBody"]["content"]
    assert set(content) == {"multipart/form-data"}
    body = _resolve(content["multipart/form-data"]["schema"], schema["components"]["schemas"])
    assert body["required"] == ["file"]
    assert body["properties"]["file"] == {**body["properties"]["file"], "type": "string", "format": "binary"}
    assert {"201", "400", "401", "404", "409", "429"} <= set(operation["responses"])
    reference = next(p for p in operation["parameters"] if p["name"] == "reference")
    assert re.fullmatch(reference["schema"]["pattern"], "PRV-2026-000123")


def _descriptions(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("description", "summary") and isinstance(value, str):
                yield value
            else:
                yield from _descriptions(value)
    elif isinstance(node, list):
        for item in node:
            yield from _descriptions(item)


def test_descriptions_have_no_doubled_punctuation(schema):
    descriptions = list(_descriptions(schema))
    assert any("For example, a previous name" in text for text in descriptions)
    for text in descriptions:
        assert ".." not in text, text
        assert "?." not in text, text
