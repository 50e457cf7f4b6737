"""The auditor's pages: auditors only, own authority only, bad dates are a GOV.UK error, searches are audited."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from audit import services as audit
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

REFERENCE = "PRV-2026-000555"
OTHER_REFERENCE = "PRV-2026-000556"
SEARCH = reverse("audit:event-search")


@pytest.fixture
def history(triage_officer, prevent_lead, other_triage_officer):
    """Reads and changes in two authorities, plus a system event with no authority."""
    for actor in (triage_officer, triage_officer, prevent_lead):
        audit.record(actor=actor, action=audit.AuditAction.CASE_CONTENT_READ, case_reference=REFERENCE)
    audit.record(
        actor=triage_officer,
        action=audit.AuditAction.REFERRAL_STATUS_CHANGED,
        case_reference=REFERENCE,
        details={"source": "submitted", "target_status": "screening"},
    )
    audit.record(actor=other_triage_officer, action=audit.AuditAction.CASE_CONTENT_READ, case_reference=OTHER_REFERENCE)
    audit.record(actor=None, action=audit.AuditAction.AUDIT_CHAIN_VERIFIED, details={"count": 5})


@pytest.fixture
def auditor_client(client, auditor):
    client.force_login(auditor)
    return client


def _shown_references(response) -> set[str]:
    return {row["event"].case_reference for row in response.context["rows"]}


@pytest.mark.parametrize("role", ["triage_officer", "prevent_lead", "superuser"])
@pytest.mark.parametrize(
    "url",
    [
        SEARCH,
        reverse("audit:event-export"),
        reverse("audit:case-access", args=[REFERENCE]),
        reverse("audit:user-activity", args=[1]),
    ],
)
def test_only_auditors_may_open_the_audit_pages(client, request, role, url, events):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url).status_code == 403
    assert events(action="ACCESS_REFUSED")[0].details["status"] == 403  # the refusal is itself audited


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(SEARCH)
    assert response.status_code == 302
    assert reverse("accounts:sign-in") in response["Location"]


@pytest.mark.usefixtures("history")
def test_search_shows_own_authority_and_system_events_only(auditor_client):
    response = auditor_client.get(SEARCH)
    assert response.status_code == 200
    assert _shown_references(response) == {REFERENCE, ""}
    assert OTHER_REFERENCE not in response.content.decode()


@pytest.mark.usefixtures("history")
def test_search_filters_by_case_user_action_outcome_and_dates(auditor_client, prevent_lead):
    today = timezone.localdate(AuditEvent.objects.first().occurred_at)
    response = auditor_client.get(
        SEARCH,
        {
            "case_reference": REFERENCE.lower(),
            "user": prevent_lead.email.upper(),
            "action": "CASE_CONTENT_READ",
            "outcome": "done",
            "date_from": today.strftime("%d/%m/%Y"),
            "date_to": today.isoformat(),
        },
    )
    rows = response.context["rows"]
    assert [row["event"].actor_id for row in rows] == [prevent_lead.pk]
    assert prevent_lead.email in rows[0]["sentence"]


@pytest.mark.usefixtures("history")
def test_each_search_is_itself_audited_with_its_filters_only(auditor_client, auditor, events):
    auditor_client.get(SEARCH, {"case_reference": REFERENCE, "action": "CASE_CONTENT_READ"})
    (searched,) = events(action="AUDIT_SEARCHED")
    assert searched.actor_id == auditor.pk
    assert searched.details == {"case_reference": REFERENCE, "action": "CASE_CONTENT_READ", "page": 1}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "31/02/2026"}, "Date from must be a real date"),
        ({"date_to": "yesterday'; DROP TABLE"}, "Date to must be a real date"),
        ({"date_from": "2026-13-45"}, "Date from must be a real date"),
        ({"date_from": "02/03/2026", "date_to": "01/03/2026"}, "Date to must be the same as or after date from"),
        ({"case_reference": "Jane Smith"}, "Enter a case reference in the format PRV-2026-000123"),
        ({"user": "nobody@example.org"}, "No user has that email address"),
        ({"action": "NOT_AN_ACTION"}, "Select an action from the list"),
        ({"outcome": "NOPE"}, "Select an outcome from the list"),
        ({"date_to": "31/12/9999"}, "Date to must be between 1 January 2000 and 31 December 2099"),
        ({"date_from": "01/01/0001"}, "Date from must be"),
        ({"user": "99999999999999999999999"}, "No user has that email address"),
        ({"user": "\u00b2"}, "No user has that email address"),
    ],
)
def test_malformed_input_is_a_govuk_error_not_a_500(auditor_client, params, message, events):
    response = auditor_client.get(SEARCH, params)
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert message in page
    assert "valid choice" not in page
    assert events(action="AUDIT_SEARCHED") == []


def test_a_bad_date_on_the_csv_download_is_a_400_with_the_error(auditor_client):
    response = auditor_client.get(reverse("audit:event-export"), {"date_from": "99/99/2026"})
    assert response.status_code == 400
    assert "Date from must be a real date" in response.content.decode()


def test_an_unknown_action_on_the_csv_download_is_a_400_in_words(auditor_client):
    response = auditor_client.get(reverse("audit:event-export"), {"action": "NOPE"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Select an action from the list" in page
    assert "valid choice" not in page


@pytest.mark.usefixtures("history")
def test_results_are_paginated(auditor_client, triage_officer):
    for _ in range(55):
        audit.record(actor=triage_officer, action=audit.AuditAction.REFERRAL_SUBMITTED, case_reference=REFERENCE)
    first = auditor_client.get(SEARCH, {"action": "REFERRAL_SUBMITTED"})
    second = auditor_client.get(SEARCH, {"action": "REFERRAL_SUBMITTED", "page": "2"})
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 5
    assert "govuk-pagination" in first.content.decode()
    assert "action=REFERRAL_SUBMITTED&amp;page=2" in first.content.decode()


@pytest.mark.usefixtures("history")
def test_the_case_access_report_lists_everyone_who_opened_the_case(auditor_client, triage_officer, prevent_lead):
    response = auditor_client.get(reverse("audit:case-access", args=[REFERENCE]))
    readers = {row["actor_id"]: row["count"] for row in response.context["report"].reads}
    assert readers == {triage_officer.pk: 2, prevent_lead.pk: 1}
    page = response.content.decode()
    assert triage_officer.email in page
    assert "govuk-table" in page


def test_the_case_access_report_lists_every_kind_of_read_and_access(
    auditor_client, auditor, triage_officer, prevent_lead, other_prevent_lead, *, panel_member, events
):
    """ACCESS.md "Access reports": reads, downloads, exports, grants, break-glass and refusals, by label."""
    own = auditor.local_authority_id
    record = audit.record
    record(actor=triage_officer, action=audit.AuditAction.CASE_CONTENT_READ, case_reference=REFERENCE)
    record(
        actor=triage_officer,
        action=audit.AuditAction.ATTACHMENT_DOWNLOADED,
        case_reference=REFERENCE,
        details={"attachment_id": "0b6f3c0e-4b0e-4c55-9d3f-6d3c7c1f2a10"},
    )
    record(
        actor=prevent_lead, action=audit.AuditAction.CASE_EXPORTED, case_reference=REFERENCE, details={"format": "PDF"}
    )
    record(
        actor=triage_officer,
        action=audit.AuditAction.CASE_ACCESS_GRANTED,
        case_reference=REFERENCE,
        details={"grantee_id": panel_member.pk, "hours": 72, "grant_id": 7, "break_glass": False},
    )
    record(
        actor=other_prevent_lead,
        action=audit.AuditAction.CASE_BREAK_GLASS,
        case_reference=REFERENCE,
        reason_code="IMMEDIATE_RISK",
        local_authority_id=own,  # as the service records it: in the log of the case's authority
        details={"grantee_id": other_prevent_lead.pk, "grant_id": 8, "hours": 4, "break_glass": True},
    )
    record(
        actor=None,
        action=audit.AuditAction.CASE_ACCESS_REVOKED,
        case_reference=REFERENCE,
        local_authority_id=own,
        details={"grantee_id": panel_member.pk, "grant_id": 7, "via": "expiry"},
    )
    audit.record_refusal(
        actor=panel_member, case_reference=REFERENCE, details={"status": 404, "url_name": "referrals:referral-detail"}
    )
    response = auditor_client.get(reverse("audit:case-access", args=[REFERENCE]))
    report = response.context["report"]
    assert [(row["kind"], row["actor_id"]) for row in report.reads] == [
        ("Case content read", triage_officer.pk),
        ("Attachment downloaded", triage_officer.pk),
        ("Case exported", prevent_lead.pk),
    ]
    assert [row["label"] for row in report.grants] == [
        "Case access granted",
        "Break-glass access",
        "Case access revoked",
    ]
    assert [(row["kind"], row["actor_id"], row["count"]) for row in report.refusals] == [
        ("Access refused", panel_member.pk, 1)
    ]
    page = response.content.decode()
    for label in ("Attachment downloaded", "Case exported", "Break-glass access", "Triage officer"):
        assert label in page
    for code in ("ATTACHMENT_DOWNLOADED", "CASE_EXPORTED", "CASE_BREAK_GLASS", ">triage_officer<"):
        assert code not in page
    (viewed,) = events(action="CASE_ACCESS_REPORT_VIEWED")
    assert (viewed.actor_id, viewed.case_reference, viewed.local_authority_id) == (auditor.pk, REFERENCE, own)


@pytest.mark.usefixtures("history")
def test_another_authoritys_case_shows_nobody(auditor_client):
    response = auditor_client.get(reverse("audit:case-access", args=[OTHER_REFERENCE]))
    report = response.context["report"]
    assert (report.reads, report.grants, report.refusals) == ([], [], [])
    assert {row["event"].action for row in response.context["rows"]} == {"CASE_ACCESS_REPORT_VIEWED"}


def test_a_malformed_reference_is_a_404(auditor_client):
    assert auditor_client.get(reverse("audit:case-access", args=["nonsense"])).status_code == 404


def test_an_impossible_user_number_or_page_is_not_a_500(auditor_client):
    assert auditor_client.get(reverse("audit:user-activity", args=[10**30])).status_code == 404
    assert auditor_client.get(SEARCH, {"page": "\u00b2"}).status_code == 200


@pytest.mark.usefixtures("history")
def test_the_activity_report_shows_one_users_events(auditor_client, triage_officer):
    response = auditor_client.get(reverse("audit:user-activity", args=[triage_officer.pk]))
    assert {row["event"].actor_id for row in response.context["rows"]} == {triage_officer.pk}
    assert len(response.context["rows"]) == 3
    assert "govuk-summary-list" in response.content.decode()


@pytest.mark.usefixtures("history")
def test_the_activity_report_of_another_authoritys_user_is_a_404_and_audited(
    auditor_client, auditor, other_triage_officer, events
):
    """ACCESS.md: the auditor sees the staff of their own council only; another council's is unknown."""
    response = auditor_client.get(reverse("audit:user-activity", args=[other_triage_officer.pk]))
    assert response.status_code == 404
    (refused,) = events(action="ACCESS_REFUSED")
    assert (refused.actor_id, refused.outcome, refused.target_id) == (
        auditor.pk,
        "refused",
        str(other_triage_officer.pk),
    )
    assert refused.details["url_name"] == "audit:user-activity"
    assert events(action="AUDIT_SEARCHED") == []


def test_the_activity_report_of_a_deleted_member_of_staff_of_own_authority_is_shown(auditor_client, make_user, auditor):
    from accounts.models import Role, User

    gone = make_user(auditor.membership.local_authority, Role.TRIAGE_OFFICER, "gone-")
    audit.record(actor=gone, action=audit.AuditAction.CASE_CONTENT_READ, case_reference=REFERENCE)
    gone_id = gone.pk
    User.objects.filter(pk=gone_id).delete()
    response = auditor_client.get(reverse("audit:user-activity", args=[gone_id]))
    assert response.status_code == 200
    assert f"Deleted user {gone_id}" in response.content.decode()


@pytest.mark.parametrize("identifier", ["email", "number"])
@pytest.mark.usefixtures("history")
def test_looking_up_another_authoritys_user_is_the_same_error_as_an_unknown_one(
    auditor_client, other_triage_officer, events, identifier
):
    value = other_triage_officer.email if identifier == "email" else str(other_triage_officer.pk)
    for lookup in (value, "nobody@example.org"):
        response = auditor_client.get(SEARCH, {"user": lookup})
        assert response.status_code == 200
        page = response.content.decode()
        assert "govuk-error-summary" in page
        assert "No user has that email address or user number in your local authority" in page
    assert events(action="AUDIT_SEARCHED") == []
    export = auditor_client.get(reverse("audit:event-export"), {"user": value})
    assert export.status_code == 400


@pytest.mark.usefixtures("history")
def test_csv_download_holds_the_search_and_is_audited(auditor_client, events):
    response = auditor_client.get(reverse("audit:event-export"), {"case_reference": REFERENCE})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["sequence", "occurred_at", "actor_id"]
    assert len(rows) == 1 + 4
    assert {row[9] for row in rows[1:]} == {REFERENCE}
    (exported,) = events(action="AUDIT_EXPORTED")
    assert exported.details == {"case_reference": REFERENCE, "count": 4}


def test_auditors_never_see_case_content(auditor_client, triage_officer, canaries):
    audit.record(actor=triage_officer, action=audit.AuditAction.CASE_CONTENT_READ, case_reference=REFERENCE)
    for url in (SEARCH, reverse("audit:case-access", args=[REFERENCE]), reverse("audit:event-export")):
        page = auditor_client.get(url).content.decode()
        assert not any(value in page for value in canaries.values())


@pytest.mark.usefixtures("history")
def test_the_count_stops_a_few_pages_past_the_page_shown(auditor_client, triage_officer, monkeypatch):
    """The log only grows: a search counts at most COUNT_AHEAD_PAGES pages past its page, then says "more than"."""
    monkeypatch.setattr("audit.views.COUNT_AHEAD_PAGES", 1)
    for _ in range(160):
        audit.record(actor=triage_officer, action=audit.AuditAction.REFERRAL_SUBMITTED, case_reference=REFERENCE)
    search = {"action": "REFERRAL_SUBMITTED"}
    first = auditor_client.get(SEARCH, search)
    assert not first.context["page"].paginator.count_is_exact
    assert "Page 1 of more than 2 (more than 100 events)" in first.content.decode()
    assert "page=2" in first.content.decode()
    # Each page counts ahead of itself, so the next page is always reachable, and the last is exact.
    third = auditor_client.get(SEARCH, {**search, "page": "3"})
    assert len(third.context["rows"]) == 50
    assert "page=4" in third.content.decode()
    last = auditor_client.get(SEARCH, {**search, "page": "4"})
    assert last.context["page"].paginator.count_is_exact
    assert len(last.context["rows"]) == 10
    assert "Page 4 of 4 (160 events)" in last.content.decode()
    assert "more than" not in last.content.decode()
