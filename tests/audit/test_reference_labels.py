"""Audit sentences in words a person reads (STYLE.md: labels, never codes): codes kept in reference tables
(kinds of intervention, screening reasons) by their labels, read once per page, not once per row; the way
something was done (`via`), a file format and a route by their labels; users by how the pages name them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.services import user_create_with_membership
from audit import services as audit
from channel.support.models import InterventionType
from mash.models import ScreeningReason
from tests.conftest import TEST_PASSWORD
from tests.visible_text import visible_text

pytestmark = pytest.mark.django_db

REFERENCE = "PRV-2026-000777"


def _search(client, auditor, **params) -> str:
    client.force_login(auditor)
    response = client.get(reverse("audit:event-search"), params or {"case_reference": REFERENCE})
    assert response.status_code == 200
    return visible_text(response.content.decode())


def _intervention_added(actor, code: str) -> None:
    details = {"intervention_id": "7b0e7d8a-3a57-4c39-9a3f-1f1f5a0f2b44", "intervention_type": code}
    audit.record(actor=actor, action="CHANNEL_INTERVENTION_ADDED", case_reference=REFERENCE, details=details)


def _screened(actor, code: str) -> None:
    audit.record(
        actor=actor,
        action="SCREENING_OUTCOME_RECORDED",
        case_reference=REFERENCE,
        reason_code=code,
        details={"route": "close"},
    )


def test_an_intervention_added_reads_by_its_kinds_label(client, auditor, prevent_lead):
    _intervention_added(prevent_lead, "EDUCATION_TRAINING_EMPLOYMENT")
    text = _search(client, auditor)
    assert "added an intervention (Education, training or employment) to the support plan" in text
    assert "EDUCATION_TRAINING_EMPLOYMENT" not in text


def test_a_screening_outcome_reads_by_its_reasons_label(client, auditor, triage_officer):
    _screened(triage_officer, "SIGNPOSTED_CHILDRENS_SOCIAL_CARE")
    text = _search(client, auditor)
    assert f"recorded the screening outcome of case {REFERENCE} (Signposted to children's social care)" in text
    assert "SIGNPOSTED_CHILDRENS_SOCIAL_CARE" not in text


def test_a_label_changed_in_the_admin_shows_at_once(client, auditor, prevent_lead):
    # Reference data is edited while the service runs: the label is read when the page is drawn.
    _intervention_added(prevent_lead, "MENTORING")
    InterventionType.objects.filter(code="MENTORING").update(label="Mentoring by an approved provider")
    assert "(Mentoring by an approved provider)" in _search(client, auditor)


def test_a_code_no_longer_in_its_table_shows_as_stored(client, auditor, prevent_lead):
    _intervention_added(prevent_lead, "RETIRED_KIND")
    assert "(RETIRED_KIND)" in _search(client, auditor)


def _page_queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"case_reference": REFERENCE})
    assert response.status_code == 200
    return len(captured), visible_text(response.content.decode())


def test_table_labels_are_read_once_per_page_not_per_row(client, auditor, prevent_lead, triage_officer):
    _intervention_added(prevent_lead, "EDUCATION_TRAINING_EMPLOYMENT")
    _screened(triage_officer, "SIGNPOSTED_HEALTH")
    client.force_login(auditor)
    url = reverse("audit:event-search")
    few, _ = _page_queries(client, url)
    kinds = list(InterventionType.objects.values_list("code", "label"))
    reasons = list(ScreeningReason.objects.values_list("code", "label"))
    assert len(kinds) > 3
    assert len(reasons) > 3
    for number in range(20):
        _intervention_added(prevent_lead, kinds[number % len(kinds)][0])
        _screened(triage_officer, reasons[number % len(reasons)][0])
    many, text = _page_queries(client, url)
    assert many == few
    for code, label in [*kinds, *reasons][:6]:
        assert f"({label})" in text
        assert code not in text


@pytest.mark.parametrize(
    ("action", "details", "shown", "not_shown"),
    [
        (
            "MASH_DECISION_RECORDED",
            {"route": "channel"},
            f"recorded the decision on case {REFERENCE}: Refer to the Channel panel",
            "(none)",
        ),
        (
            "BENCHMARKING_EXPORTED",
            {"format": "html", "date_from": "2026-04-01", "date_to": "2027-03-31", "via": "page"},
            "to 2027-03-31 as a web page (from its page)",
            "html",
        ),
        (
            "ASSURANCE_EXPORTED",
            {"year": 2026, "format": "xlsx", "via": "command"},
            "for 2026 as an Excel workbook (by an operator command)",
            "xlsx",
        ),
        (
            "TRANSFER_RECEIPT_ACCEPTED",
            {
                "package_id": "7b0e7d8a-3a57-4c39-9a3f-1f1f5a0f2b44",
                "receipt_id": "1c0e7d8a-3a57-4c39-9a3f-1f1f5a0f2b45",
                "via": "command",
            },
            "was accepted (by an operator command)",
            "(command)",
        ),
        (
            "TRANSFER_RECEIPT_ACCEPTED",
            {
                "package_id": "7b0e7d8a-3a57-4c39-9a3f-1f1f5a0f2b44",
                "receipt_id": "1c0e7d8a-3a57-4c39-9a3f-1f1f5a0f2b45",
                "via": "upload",
            },
            "was accepted (uploaded on the case page)",
            "(upload)",
        ),
        (
            "INFORMATION_REQUEST_ACCESS_ENDED",
            {"request_id": "7b0e7d8a-3a57-4c39-9a3f-1f1f5a0f2b44", "via": "withdrawn"},
            "ended (the request was withdrawn)",
            "(withdrawn)",
        ),
    ],
    ids=["decision-route", "html-page", "xlsx-command", "receipt-command", "receipt-upload", "request-withdrawn"],
)
def test_how_and_in_what_form_read_in_words(client, auditor, prevent_lead, *, action, details, shown, not_shown):
    audit.record(actor=prevent_lead, action=action, case_reference=REFERENCE, details=details)
    text = _search(client, auditor)
    assert shown in text
    assert not_shown not in text


def test_a_sentence_with_no_reason_leaves_out_its_empty_brackets(client, auditor, prevent_lead):
    audit.record(
        actor=prevent_lead, action="MASH_DECISION_RECORDED", case_reference=REFERENCE, details={"route": "close"}
    )
    text = _search(client, auditor)
    assert f"recorded the decision on case {REFERENCE}: Close the case" in text
    assert "(none)" not in text


# --- users named as the pages name them, not by number ---------------------------------------------


def test_a_grantee_is_named_not_numbered(client, auditor, triage_officer, panel_member):
    for action in ("CASE_ACCESS_GRANTED", "CASE_ACCESS_REVOKED"):
        details = {"grantee_id": panel_member.pk, "grant_id": 7}
        audit.record(actor=triage_officer, action=action, case_reference=REFERENCE, details=details)
    text = _search(client, auditor)
    assert f"granted {panel_member.email} access to case {REFERENCE}" in text
    assert f"revoked {panel_member.email}'s access to case {REFERENCE}" in text
    assert f"user {panel_member.pk}" not in text


def test_panel_members_and_request_addressees_are_named(client, auditor, channel_chair, panel_member):
    for action in ("PANEL_MEMBER_ADDED", "PANEL_MEMBER_REMOVED"):
        audit.record(actor=channel_chair, action=action, details={"panel_id": 3, "user_id": panel_member.pk})
    audit.record(
        actor=None,
        action="INFORMATION_REQUEST_ACCESS_ENDED",
        case_reference=REFERENCE,
        details={"request_id": "7b0e7d8a-3a57-4c39-9a3f-1f1f5a0f2b44", "addressee_id": panel_member.pk},
    )
    client.force_login(auditor)
    response = client.get(reverse("audit:user-activity", args=[channel_chair.pk]))
    text = visible_text(response.content.decode())
    assert f"added {panel_member.email} to Channel panel 3" in text
    assert f"recorded that {panel_member.email} left Channel panel 3" in text
    assert f"user {panel_member.pk}" not in text
    search = _search(client, auditor)
    assert f"The access of {panel_member.email} to an information request on case {REFERENCE} ended" in search


def test_a_user_target_is_named_and_a_deleted_one_keeps_its_number(client, auditor, prevent_lead, triage_officer):
    audit.record(
        actor=prevent_lead, action="SESSIONS_REVOKED", target_type="accounts.user", target_id=triage_officer.pk
    )
    audit.record(actor=prevent_lead, action="USER_DEACTIVATED", target_type="accounts.user", target_id=999999)
    client.force_login(auditor)
    response = client.get(reverse("audit:user-activity", args=[prevent_lead.pk]))
    text = visible_text(response.content.decode())
    assert f"signed {triage_officer.email} out of every session" in text
    assert "deactivated deleted user 999999" in text


def _panel_member(local_authority, number: int):
    return user_create_with_membership(
        email=f"member{number}@test.example.org",
        password=TEST_PASSWORD,
        local_authority=local_authority,
        role=Role.PANEL_MEMBER,
    )


def test_named_users_are_read_in_one_query_per_page(client, auditor, triage_officer, local_authority):
    client.force_login(auditor)
    url = reverse("audit:event-search")
    grantees = [_panel_member(local_authority, 0)]
    audit.record(
        actor=triage_officer,
        action="CASE_ACCESS_GRANTED",
        case_reference=REFERENCE,
        details={"grantee_id": grantees[0].pk, "grant_id": 1},
    )
    few, _ = _page_queries(client, url)
    for number in range(12):
        grantee = _panel_member(local_authority, number) if number else grantees[0]
        grantees.append(grantee)
        details = {"grantee_id": grantee.pk, "grant_id": number + 2}
        audit.record(actor=triage_officer, action="CASE_ACCESS_REVOKED", case_reference=REFERENCE, details=details)
    many, text = _page_queries(client, url)
    assert many == few
    assert all(grantee.email in text for grantee in grantees)


def test_a_users_activity_is_titled_by_their_name_not_number(client, auditor, triage_officer):
    audit.record(actor=triage_officer, action="USER_SIGNED_IN")
    client.force_login(auditor)
    body = client.get(reverse("audit:user-activity", args=[triage_officer.pk])).content.decode()
    assert f"<title>Activity of {triage_officer.email} - " in body
    assert f"Activity of user {triage_officer.pk}" not in body
    assert f"(user {triage_officer.pk})" not in visible_text(body)
