"""Demo users' names keep their role's label as it is written: MASH, Prevent and Channel are names, not words
to lower-case (STYLE.md: labels in sentence case, proper nouns kept)."""

from __future__ import annotations

import pytest

from accounts.models import Role, User
from accounts.services import demo_data_seed

pytestmark = pytest.mark.django_db

SEED = {"password": "a-long-demo-password", "totp_secret": "DEMOPREVENTCHANNELTOTPKEY234567A"}


def test_demo_users_are_named_by_their_roles_label_as_written():
    demo_data_seed(**SEED)
    names = set(User.objects.filter(email__endswith="@example.org").values_list("display_name", flat=True))
    assert {"Demo Triage officer (MASH)", "Demo Police Prevent officer", "Demo Channel panel member"} <= names
    assert {"Demo Prevent lead", "Demo Channel chair", "Demo Auditor"} <= names
    assert not names & {"Demo triage officer (mash)", "Demo police prevent officer", "Demo prevent lead"}


def test_seeding_again_renames_a_demo_user_named_the_old_way_but_keeps_a_chosen_name():
    demo_data_seed(**SEED)
    User.objects.filter(email="triage@example.org").update(display_name="Demo triage officer (mash)")
    User.objects.filter(email="police@example.org").update(display_name="Pat from the police")
    demo_data_seed(**SEED)
    assert User.objects.get(email="triage@example.org").display_name == "Demo Triage officer (MASH)"
    assert User.objects.get(email="police@example.org").display_name == "Pat from the police"
    assert Role.TRIAGE_OFFICER.label == "Triage officer (MASH)"
