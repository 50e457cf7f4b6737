"""Hypothesis: whatever arrives at the journey pages or the API, the answer is a page or a 4xx, never a 500."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from referrals import services
from referrals.journey import STEPS
from referrals.models import Referral
from referrals.validation import ANSWERS

pytestmark = pytest.mark.django_db

SAMPLE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
text = st.text(max_size=300)
values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    text,
    st.lists(text, max_size=4),
    st.dictionaries(text, text, max_size=3),
    st.sampled_from(["2010-01-01", "1800-01-01", "2999-12-31", "yes", "no", "unknown", "SW1A 1AA", "a@b.co"]),
)
payloads = st.dictionaries(st.sampled_from([*ANSWERS, "local_authority", "extra"]), values, max_size=len(ANSWERS))
form_data = st.dictionaries(
    st.sampled_from([*ANSWERS, "date_of_birth_day", "date_of_birth_month", "date_of_birth_year", "local_authority"]),
    st.one_of(text, st.lists(text, max_size=3)),
    max_size=10,
)


@SAMPLE
@given(payload=payloads)
def test_api_payloads_never_500(referrer, payload):
    cache.clear()  # rate limits count in the cache; each example is a fresh client
    client = APIClient()
    client.force_authenticate(referrer)
    before = Referral.objects.count()
    response = client.post("/api/v1/referrals/", payload, format="json")
    assert response.status_code in {201, 400}, response.content
    assert Referral.objects.count() == before + (response.status_code == 201)


@SAMPLE
@given(data=form_data, step=st.sampled_from([step.slug for step in STEPS]))
def test_journey_pages_never_500(client, referrer, data, step):
    client.force_login(referrer)
    referral = services.referral_draft_create(actor=referrer)
    response = client.post(reverse("referrals:draft-step", args=[referral.pk, step]), data)
    assert response.status_code in {200, 302}
    if response.status_code == 200:
        assert "There is a problem" in response.content.decode()


@SAMPLE
@given(body=st.binary(max_size=200))
def test_api_raw_bodies_never_500(referrer, body):
    cache.clear()  # rate limits count in the cache; each example is a fresh client
    client = APIClient()
    client.force_authenticate(referrer)
    response = client.post("/api/v1/referrals/", body, content_type="application/json")
    assert response.status_code == 400
