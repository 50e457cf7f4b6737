"""People read labels, never codes: the case, grant, queue, user and audit pages after a case's whole life."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.services import user_role_change
from referrals import services
from referrals.choices import BreakGlassReason, GrantReason
from tests.visible_text import assert_no_codes, codes_shown

from .factories import information_gathering_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def lived_case(referrer, triage_officer, panel_member, prevent_lead, other_prevent_lead):
    """A case referred to Channel with a grant, a revoked grant, a break-glass and a role change on record."""
    referral = information_gathering_referral(user=referrer, screener=triage_officer)
    services.referral_refer_to_channel(referral=referral, actor=triage_officer)
    services.case_grant_create(
        referral=referral, grantee=panel_member, actor=triage_officer, days=7, reason_code=GrantReason.PANEL_MEETING
    )
    services.case_break_glass(
        referral=referral, actor=other_prevent_lead, reason_code=BreakGlassReason.IMMEDIATE_RISK, confirmed=True
    )
    user_role_change(actor=prevent_lead, user=panel_member, role=Role.INTERVENTION_PROVIDER)
    return referral


def test_the_helper_finds_a_code_in_the_text_but_not_in_attributes():
    assert codes_shown("<p>from information_gathering to with_channel</p>") == {
        "information_gathering",
        "with_channel",
    }
    assert codes_shown('<td data-code="PANEL_MEETING">On the agenda</td><a href="/?r=triage_officer">x</a>') == set()
    assert codes_shown("<script>const a = 'REFERRAL_STATUS_CHANGED';</script>") == set()


def test_staff_pages_show_labels_never_codes(client, lived_case, triage_officer, prevent_lead):
    client.force_login(triage_officer)
    reference = lived_case.reference
    for url in (
        reverse("referrals:referral-detail", args=[reference]),
        reverse("referrals:referral-section", args=[reference, "documents"]),
        reverse("referrals:referral-section", args=[reference, "history"]),
        reverse("referrals:referral-grants", args=[reference]),
        reverse("referrals:referral-queue"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_codes(response.content.decode())
    chronology = client.get(reverse("referrals:referral-section", args=[reference, "history"])).content.decode()
    assert "from Information gathering to With Channel" in chronology
    client.force_login(prevent_lead)
    for url in (reverse("accounts:user-list"), reverse("referrals:referral-access-report", args=[reference])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_codes(response.content.decode())


def test_grants_table_shows_the_reason_label(client, lived_case, triage_officer):
    client.force_login(triage_officer)
    body = client.get(reverse("referrals:referral-grants", args=[lived_case.reference])).content.decode()
    assert "Immediate risk of harm" in body  # the break-glass grant's reason
    assert "PANEL_MEETING" not in body.replace('value="PANEL_MEETING"', "")


def test_audit_pages_show_labels_never_codes(client, lived_case, auditor, triage_officer, panel_member):
    client.force_login(auditor)
    search = client.get(reverse("audit:event-search"), {"case_reference": lived_case.reference}).content.decode()
    assert_no_codes(search)
    assert "from Information gathering to With Channel" in search
    assert "Triage officer (MASH)" in search
    for url in (
        reverse("audit:case-access", args=[lived_case.reference]),
        reverse("audit:user-activity", args=[triage_officer.pk]),
        reverse("audit:user-activity", args=[panel_member.pk]),
        reverse("audit:event-search") + "?action=USER_ROLE_CHANGED",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_codes(response.content.decode())
    roles = client.get(reverse("audit:event-search"), {"action": "USER_ROLE_CHANGED"}).content.decode()
    assert "from Channel panel member to Intervention provider" in roles


def test_audit_csv_carries_labels_beside_the_chained_codes(client, lived_case, auditor):
    client.force_login(auditor)
    response = client.get(reverse("audit:event-export"), {"case_reference": lived_case.reference})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    changed = [row for row in rows if row["action"] == "REFERRAL_STATUS_CHANGED"]
    assert {row["action_label"] for row in changed} == {"Referral status changed"}
    assert {row["actor_role_label"] for row in changed} == {"Triage officer (MASH)"}
    assert any("from Information gathering to With Channel" in row["what_happened"] for row in changed)
    assert {row["outcome_label"] for row in rows} == {"Done"}
    assert_no_codes("".join(f"<p>{row['what_happened']}</p>" for row in rows))


def test_transition_banner_says_what_happened_in_words(client, submitted, triage_officer):
    client.force_login(triage_officer)
    url = reverse("referrals:referral-transition", args=[submitted.reference, "start_screening"])
    body = client.post(url, follow=True).content.decode()
    assert f"Screening started for case {submitted.reference}" in body
    assert "is now:" not in body


def test_audit_sentences_name_targets_and_codes_as_people_say_them(triage_officer):
    from audit import services as audit
    from audit.formatters import event_sentence
    from audit.models import AuditEvent

    audit.record(
        actor=triage_officer,
        action=audit.AuditAction.REFERRAL_DRAFT_SAVED,
        target_type="referrals.referral",
        target_id="b163e083",
        details={"fields_changed": 1, "step": "name"},
    )
    event = AuditEvent.objects.filter(action="REFERRAL_DRAFT_SAVED").latest("sequence")
    sentence = event_sentence(event, {triage_officer.pk: "Tri Age"})
    assert sentence == "Tri Age, Triage officer (MASH) saved draft referral b163e083"
