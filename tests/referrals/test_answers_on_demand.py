"""A question page's answers are decrypted as they are read (referrals.services.referral_answers_on_demand)."""

from __future__ import annotations

import pytest

from encryption.fields import Sealed
from referrals import services
from referrals.models import Referral
from referrals.validation import ANSWERS, is_under_18
from tests.referrals.factories import child_answers, draft_referral

pytestmark = pytest.mark.django_db


def _still_sealed(referral: Referral) -> set[str]:
    return {name for name in ANSWERS if isinstance(referral.__dict__.get(name), Sealed)}


def test_reading_some_answers_leaves_the_others_sealed(referrer):
    draft = draft_referral(user=referrer, **child_answers())
    referral = Referral.objects.get(pk=draft.pk)
    sealed_before = _still_sealed(referral)
    assert {"given_name", "date_of_birth", "concern_description"} <= sealed_before

    answers = services.referral_answers_on_demand(referral)
    assert answers.get("given_name") == draft.given_name
    assert is_under_18(answers)  # the journey's condition reads the date of birth (and the age) only

    assert _still_sealed(referral) == sealed_before - {"given_name", "date_of_birth", "approximate_age"}
    assert "concern_description" in _still_sealed(referral)


def test_the_answers_read_on_demand_are_the_answers(referrer):
    draft = draft_referral(user=referrer, **child_answers())
    on_demand = services.referral_answers_on_demand(Referral.objects.get(pk=draft.pk))
    assert dict(on_demand) == services.referral_answers(Referral.objects.get(pk=draft.pk))
    on_demand.update({"given_name": "Changed"})
    assert on_demand["given_name"] == "Changed"
    assert on_demand.get("not_an_answer") is None
