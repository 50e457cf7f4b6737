"""The API's promise for bad input: a structured 4xx in its documented shape, never a 500 or a page, nothing kept."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from accounts.services import api_token_create
from referrals.models import Referral

pytestmark = pytest.mark.django_db
URL = "/api/v1/referrals/"


@pytest.fixture
def api(referrer):
    # raise_request_exception off: the client answers as the server would (handler500), not with the exception.
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=referrer)[1]}")
    return client


def _post(api: APIClient, body: bytes, url: str = URL, content_type: str = "application/json"):
    return api.generic("POST", url, body, content_type=content_type)


@pytest.mark.parametrize("body", [b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000])
def test_json_nested_too_deeply_is_a_400_not_a_500(api, body):
    # Python's decoder raises RecursionError, which REST framework's parser does not turn into a 400.
    response = _post(api, body)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "JSON parse error - the body is nested too deeply: send a referral as one JSON object of answers"
    }
    assert Referral.objects.count() == 0


def test_an_unknown_field_named_by_a_lone_surrogate_is_a_400_not_a_500(api):
    # JSON may escape a lone surrogate; echoed back as the error's key, it could not be encoded in UTF-8.
    response = _post(api, b'{"\\ud800": 1, "given_name": "Alex"}')
    assert response.status_code == 400
    errors = json.loads(response.content.decode("utf-8"))
    assert errors["\\ud800"] == ["This is not a question on the referral form"]
    assert "given_name" not in errors
    assert Referral.objects.count() == 0


def test_a_body_over_the_size_limit_is_a_json_413_not_a_page(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = _post(api, json.dumps({"given_name": "A" * 2000}).encode())
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "The request body is too large: send at most 1,000 bytes (files go to the attachments address)"
    }
    assert Referral.objects.count() == 0


def test_an_unknown_api_address_is_a_json_404_not_a_page(api):
    for method in ("get", "post"):
        response = getattr(api, method)("/api/v1/nothing/")
        assert response.status_code == 404
        assert response.json() == {"detail": "There is nothing at this address: see /api/docs/ for the API's addresses"}


def test_outside_the_api_errors_are_still_pages(client):
    response = client.get("/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_server_error_under_the_api_is_json_too(rf):
    from config.views import error_500

    response = error_500(rf.post(URL))
    assert response.status_code == 500
    assert json.loads(response.content) == {
        "detail": "Sorry, there is a problem with the service: nothing was saved, try again later"
    }


def test_an_address_without_its_slash_is_a_json_404_naming_it_not_a_redirect(api):
    # A 301 to the address with the slash: a client that follows it sends its POST again as a GET, without
    # its body, and is told that GET is not allowed (with DJANGO_DEBUG on, Django raised: a 500).
    before = Referral.objects.count()
    for method in ("get", "post"):
        response = getattr(api, method)("/api/v1/referrals", {}, format="json")
        assert response.status_code == 404
        assert response.json() == {
            "detail": "There is nothing at this address: the API's addresses end with a slash, /api/v1/referrals/"
        }
    assert Referral.objects.count() == before


def test_two_files_in_one_upload_are_refused_not_one_dropped(api):
    # The last part named "file" was stored and the first dropped without a word.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .factories import adult_answers
    from .test_api import _json

    reference = api.post(URL, _json(adult_answers()), format="json").json()["reference"]
    files = [SimpleUploadedFile(name, b"%PDF-1.4 " + name.encode()) for name in ("a.pdf", "b.pdf")]
    response = api.post(f"{URL}{reference}/attachments/", {"file": files}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"file": ["Send one file at a time: this request holds more than one"]}
    assert Referral.objects.get(reference=reference).attachments.count() == 0


@pytest.mark.parametrize("kind", ["text field", "no file name"])
def test_a_file_part_that_is_not_a_file_says_how_to_send_it(api, kind):
    # Before: "The selected file could not be uploaded – try again", which trying again never fixes.
    from .factories import adult_answers
    from .test_api import _json

    reference = api.post(URL, _json(adult_answers()), format="json").json()["reference"]
    boundary = "qa2boundary"
    disposition = 'form-data; name="file"' + ('; filename=""' if kind == "no file name" else "")
    body = (
        f"--{boundary}\r\nContent-Disposition: {disposition}\r\nContent-Type: application/pdf\r\n\r\n"
        f"%PDF-1.4 notes\r\n--{boundary}--\r\n"
    ).encode()
    response = _post(api, body, f"{URL}{reference}/attachments/", f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400
    assert response.json() == {"file": ["Send the file as a multipart part named file, with its file name"]}
    assert Referral.objects.get(reference=reference).attachments.count() == 0
