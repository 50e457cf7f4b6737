"""A case's access report for the Prevent lead of its own council (ACCESS.md "Access reports")."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from referrals import services

pytestmark = pytest.mark.django_db


def _report(referral) -> str:
    return reverse("referrals:referral-access-report", args=[referral.reference])


def _detail(referral) -> str:
    return reverse("referrals:referral-detail", args=[referral.reference])


def test_the_prevent_lead_sees_every_read_grant_and_break_glass_of_an_own_council_case(
    client, with_channel, triage_officer, panel_member, *, prevent_lead, other_prevent_lead
):
    referral = with_channel
    client.force_login(triage_officer)
    assert client.get(_detail(referral)).status_code == 200  # a content read
    services.case_grant_create(
        referral=referral, grantee=panel_member, actor=triage_officer, days=2, reason_code="PANEL_MEETING"
    )
    services.case_break_glass(referral=referral, actor=other_prevent_lead, reason_code="IMMEDIATE_RISK", confirmed=True)
    client.force_login(prevent_lead)
    assert "Who has read this case (access report)" in client.get(_detail(referral)).content.decode()
    response = client.get(_report(referral))
    assert response.status_code == 200
    report = response.context["report"]
    assert ("Case content read", triage_officer.pk) in {(row["kind"], row["actor_id"]) for row in report.reads}
    assert [row["label"] for row in report.grants] == ["Case access granted", "Break-glass access"]
    page = response.content.decode()
    assert triage_officer.email in page
    assert "audit/users/" not in page  # the people are not linked to the auditor's activity pages
    viewed = AuditEvent.objects.get(action="CASE_ACCESS_REPORT_VIEWED")
    assert (viewed.actor_id, viewed.target_id) == (prevent_lead.pk, str(referral.pk))
    assert viewed.local_authority_id == referral.local_authority_id


def test_the_report_holds_only_the_case_councils_log(client, submitted, prevent_lead, other_triage_officer):
    """An event about the case written in another council's log (its own refusal) is not in this report."""
    client.force_login(other_triage_officer)
    assert client.get(_detail(submitted)).status_code == 404
    client.force_login(prevent_lead)
    report = client.get(_report(submitted)).context["report"]
    assert other_triage_officer.pk not in {row["actor_id"] for row in report.refusals}


def test_another_councils_prevent_lead_gets_a_404_audited(client, submitted, other_prevent_lead):
    client.force_login(other_prevent_lead)
    assert client.get(_report(submitted)).status_code == 404
    refused = AuditEvent.objects.get(action="ACCESS_REFUSED", actor_id=other_prevent_lead.pk)
    assert refused.case_reference == submitted.reference
    assert not AuditEvent.objects.filter(action="CASE_ACCESS_REPORT_VIEWED").exists()


def test_break_glass_opens_the_case_but_not_its_access_report(client, submitted, other_prevent_lead):
    services.case_break_glass(
        referral=submitted, actor=other_prevent_lead, reason_code="IMMEDIATE_RISK", confirmed=True
    )
    client.force_login(other_prevent_lead)
    assert "access report" not in client.get(_detail(submitted)).content.decode()
    assert client.get(_report(submitted)).status_code == 403
    assert AuditEvent.objects.filter(action="ACCESS_REFUSED", actor_id=other_prevent_lead.pk).exists()


def test_a_triage_officer_sees_no_link_and_is_refused_the_report(client, submitted, triage_officer):
    client.force_login(triage_officer)
    assert "access report" not in client.get(_detail(submitted)).content.decode()
    assert client.get(_report(submitted)).status_code == 403
    assert AuditEvent.objects.filter(action="ACCESS_REFUSED", actor_id=triage_officer.pk).exists()
