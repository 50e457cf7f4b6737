"""The grant pages and break-glass, through the views."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from referrals import services
from referrals.models import ReferralUserObjectPermission

pytestmark = pytest.mark.django_db


def _detail(referral):
    return reverse("referrals:referral-detail", args=[referral.reference])


def test_before_channel_the_grant_page_explains_instead_of_offering_a_form(client, submitted, triage_officer):
    client.force_login(triage_officer)
    body = client.get(reverse("referrals:referral-grants", args=[submitted.reference])).content.decode()
    assert "once it is with the Channel panel" in body
    assert "Partner agencies answer information requests and never see the case." in body
    assert "Give access</button>" not in body


def test_triage_officer_gives_and_revokes_access_from_the_grant_page(
    client, with_channel, triage_officer, panel_member, partner_contributor
):
    submitted = with_channel
    client.force_login(triage_officer)
    assert "Manage access to this case" in client.get(_detail(submitted)).content.decode()
    url = reverse("referrals:referral-grants", args=[submitted.reference])
    body = client.get(url).content.decode()
    assert panel_member.email in body
    assert partner_contributor.email not in body  # never offered: a partner never sees the case
    assert "Nobody has been given access" in body
    response = client.post(url, {"grantee": panel_member.pk, "days": "7", "reason_code": "PANEL_MEETING"})
    assert response.status_code == 302
    grant = ReferralUserObjectPermission.objects.get()
    assert grant.user == panel_member
    assert grant.granted_by == triage_officer
    body = client.get(url).content.decode()
    assert "PANEL_MEETING" in body
    revoke = reverse("referrals:referral-grant-revoke", args=[submitted.reference, grant.pk])
    assert client.post(revoke).status_code == 302
    assert not ReferralUserObjectPermission.objects.exists()


def test_the_grant_form_shows_errors_in_govuk_style(client, with_channel, prevent_lead, panel_member):
    client.force_login(prevent_lead)
    url = reverse("referrals:referral-grants", args=[with_channel.reference])
    response = client.post(url, {"grantee": panel_member.pk, "days": "45", "reason_code": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Enter a number of days between 1 and 30" in body
    assert "Select why this person needs access" in body
    assert not ReferralUserObjectPermission.objects.exists()


def test_a_grantee_reads_the_case_without_buttons_or_chronology(client, with_channel, triage_officer, panel_member):
    submitted = with_channel
    services.case_grant_create(
        referral=submitted, grantee=panel_member, actor=triage_officer, days=2, reason_code="PANEL_MEETING"
    )
    client.force_login(panel_member)
    response = client.get(_detail(submitted))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Alex" in body
    assert "Close the case" not in body
    assert "Manage access" not in body
    assert 'data-testid="chronology"' not in body
    assert 'data-testid="read-only"' in body
    refused = client.post(reverse("referrals:referral-transition", args=[submitted.reference, "close"]))
    assert refused.status_code == 403
    assert client.get(reverse("referrals:referral-grants", args=[submitted.reference])).status_code == 403
    ReferralUserObjectPermission.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(_detail(submitted)).status_code == 404


def test_break_glass_from_the_lead_of_another_authority(
    client, submitted, other_prevent_lead, auditor, django_capture_on_commit_callbacks
):
    client.force_login(other_prevent_lead)
    assert client.get(_detail(submitted)).status_code == 404
    start = client.post(reverse("referrals:break-glass-start"), {"reference": submitted.reference})
    url = reverse("referrals:referral-break-glass", args=[submitted.reference])
    assert start.url == url
    body = client.get(url).content.decode()
    assert "Open a case of another local authority" in body
    assert "Alex" not in body
    response = client.post(url, {"reason_code": "IMMEDIATE_RISK"})
    assert response.status_code == 200
    assert "Confirm that you understand" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason_code": "IMMEDIATE_RISK", "confirm": "on"})
    assert response.url == _detail(submitted)
    assert client.get(_detail(submitted)).status_code == 200
    assert AuditEvent.objects.filter(action="CASE_BREAK_GLASS", reason_code="IMMEDIATE_RISK").exists()
    assert [m.to for m in mail.outbox] == [[auditor.email]]
    # Once visible, the break-glass page only sends the lead to the case.
    assert client.get(url).status_code == 302


@pytest.mark.parametrize("user_fixture", ["other_triage_officer", "panel_member", "auditor"])
def test_break_glass_page_is_404_for_anyone_else(client, request, submitted, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(reverse("referrals:referral-break-glass", args=[submitted.reference])).status_code == 404
    missing = reverse("referrals:referral-break-glass", args=["PRV-2000-999999"])
    assert client.get(missing).status_code == 404
