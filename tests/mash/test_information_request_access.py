"""The partner's per-request grant opens their request only, never the case, and ends on time: when answered,
withdrawn, INFORMATION_REQUEST_GRANT_TAIL_DAYS after the due date, or when the holder's role, council or
account changes. The pages, the home page and the case section."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.services import user_deactivate, user_role_change
from audit.models import AuditEvent
from mash.information_requests import grants, services
from mash.information_requests.notifications import information_request_notify
from mash.models import InformationRequest, InformationRequestUserObjectPermission
from tests.conftest import CANARIES

from .factories import QUESTION, next_working_day, open_request, partner_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def information_request(gathering_case, triage_officer, partner):
    return open_request(referral=gathering_case, triage=triage_officer, partner=partner)


def _detail(information_request):
    return reverse("requests:request-detail", args=[information_request.pk])


def test_the_partner_reads_their_request_and_never_the_case(client, partner, information_request, gathering_case):
    client.force_login(partner)
    page = client.get(_detail(information_request))
    assert page.status_code == 200
    assert QUESTION in page.content.decode()
    assert gathering_case.reference not in page.content.decode()  # the case is not named
    for url in (
        reverse("referrals:referral-detail", args=[gathering_case.reference]),
        reverse("referrals:referral-section", args=[gathering_case.reference, "information-requests"]),
        reverse("referrals:referral-section", args=[gathering_case.reference, "history"]),
        reverse("referrals:referral-attachment", args=[gathering_case.reference, information_request.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert AuditEvent.objects.filter(action="CASE_CONTENT_READ", actor_id=partner.pk).count() == 1


def test_the_home_page_lists_the_partners_open_requests(client, partner, information_request):
    client.force_login(partner)
    page = client.get(reverse("home")).content.decode()
    assert reverse("requests:request-list") in page
    assert _detail(information_request) in page
    assert QUESTION not in page  # the list decrypts nothing


def test_another_partner_of_the_same_organisation_gets_a_404(
    client, information_request, local_authority, organisation
):
    colleague = partner_in(local_authority, organisation, prefix="colleague-")
    client.force_login(colleague)
    assert client.get(_detail(information_request)).status_code == 404
    assert AuditEvent.objects.filter(action="ACCESS_REFUSED", actor_id=colleague.pk).exists()


def test_answering_through_the_page_ends_access_and_a_second_answer_is_refused(client, partner, information_request):
    client.force_login(partner)
    upload = io.BytesIO(b"%PDF-1.4 our notes")
    upload.name = "notes.pdf"
    response = client.post(_detail(information_request), {"answer": "Known to us.", "file": upload})
    assert response.status_code == 302
    assert InformationRequest.objects.get(pk=information_request.pk).attachments.count() == 1
    again = client.post(_detail(information_request), {"answer": "Again."})
    assert again.status_code == 403
    assert "already answered" in again.content.decode()
    assert InformationRequest.objects.get(pk=information_request.pk).answer == "Known to us."
    assert AuditEvent.objects.filter(
        action="INFORMATION_REQUEST_ANSWERED", outcome="refused", actor_id=partner.pk
    ).exists()


def test_an_empty_answer_shows_the_govuk_error(client, partner, information_request):
    client.force_login(partner)
    page = client.post(_detail(information_request), {"answer": " "})
    assert page.status_code == 200
    assert "Enter your answer" in page.content.decode()
    assert "govuk-error-summary" in page.content.decode()


def test_the_grant_runs_out_the_set_number_of_days_after_the_due_date(partner, information_request):
    grant = InformationRequestUserObjectPermission.objects.get(content_object=information_request)
    with override_settings(INFORMATION_REQUEST_GRANT_TAIL_DAYS=5):
        expected = grants.grant_expiry(information_request.due_on)
    assert grant.expires_at == expected
    assert timezone.localtime(expected).date() == information_request.due_on + datetime.timedelta(days=6)
    # Still open a moment before; expired (and swept) a moment after.
    assert grants.information_requests_expire(now=expected - datetime.timedelta(seconds=1)) == 0
    assert grants.information_requests_expire(now=expected) == 1
    information_request.refresh_from_db()
    assert information_request.status == "expired"
    assert not InformationRequestUserObjectPermission.objects.exists()
    assert AuditEvent.objects.filter(action="INFORMATION_REQUEST_EXPIRED").count() == 1
    assert grants.information_requests_expire(now=expected) == 0  # running twice changes nothing


def test_an_expired_grant_shuts_the_page_before_the_sweep_runs(client, partner, information_request):
    InformationRequestUserObjectPermission.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client.force_login(partner)
    page = client.get(_detail(information_request))
    assert page.status_code == 403
    assert "time to answer this request has passed" in page.content.decode()
    assert client.get(reverse("requests:request-list")).context["requests"].count() == 0


def test_a_role_change_ends_the_grant(partner, information_request, prevent_lead):
    user_role_change(actor=prevent_lead, user=partner, role=Role.REFERRER)
    assert not InformationRequestUserObjectPermission.objects.exists()
    assert AuditEvent.objects.filter(
        action="INFORMATION_REQUEST_ACCESS_ENDED", reason_code="ROLE_CHANGED", details__via="holder_changed"
    ).exists()


def test_deactivating_the_account_ends_the_grant(partner, information_request, prevent_lead):
    user_deactivate(actor=prevent_lead, user=partner)
    assert not InformationRequestUserObjectPermission.objects.exists()


def test_a_surviving_grant_row_of_a_changed_holder_opens_nothing(client, partner, information_request):
    """The selector's second lock: the row is left (a missed signal), the role is gone."""
    membership = partner.membership
    membership.role = Role.REFERRER
    membership.save()
    client.force_login(partner)
    assert client.get(_detail(information_request)).status_code == 404


def test_the_email_holds_a_link_and_no_personal_data(partner, information_request, gathering_case):
    information_request_notify(information_request.pk)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    text = message.subject + message.body
    assert _detail(information_request) in message.body
    for value in [*CANARIES.values(), QUESTION, gathering_case.reference, partner.display_name]:
        assert value not in text
    information_request.refresh_from_db()
    assert information_request.notified_at is not None


def test_no_personal_data_in_audit_details_or_outbox_rows(information_request, partner):
    services.information_request_answer(
        information_request=information_request, actor=partner, answer=f"{CANARIES['narrative']} answer"
    )
    for details in AuditEvent.objects.values_list("details", flat=True):
        for value in [*CANARIES.values(), QUESTION]:
            assert value not in str(details)
    from core.models import OutboxMessage

    assert set(OutboxMessage.objects.values_list("object_id", flat=True)) == {str(information_request.pk)}


def test_the_case_section_shows_the_request_answer_and_history(
    client, triage_officer, partner, information_request, gathering_case
):
    services.information_request_answer(information_request=information_request, actor=partner, answer="Known.")
    client.force_login(triage_officer)
    section = client.get(reverse("referrals:referral-section", args=[gathering_case.reference, "information-requests"]))
    html = section.content.decode()
    assert section.status_code == 200
    assert "Northshire NHS Trust" in html
    assert QUESTION in html
    assert "Known." in html
    assert "Answered" in html
    history = client.get(reverse("referrals:referral-section", args=[gathering_case.reference, "history"]))
    titles = [entry["title"] for entry in history.context["timeline"]]
    assert "Information requested from Northshire NHS Trust" in titles
    assert "Information received from Northshire NHS Trust" in titles


def test_an_overdue_request_is_marked_on_the_case(client, triage_officer, information_request, gathering_case):
    InformationRequest.objects.filter(pk=information_request.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    client.force_login(triage_officer)
    page = client.get(reverse("referrals:referral-section", args=[gathering_case.reference, "information-requests"]))
    assert 'data-testid="overdue"' in page.content.decode()
    assert "1 waiting for an answer, 1 overdue" in page.content.decode()


def test_the_create_page_shows_govuk_errors_and_creates(client, triage_officer, partner, gathering_case, organisation):
    client.force_login(triage_officer)
    url = reverse("referrals:information-request-create", args=[gathering_case.reference])
    past = timezone.localdate() - datetime.timedelta(days=3)
    bad = client.post(
        url,
        {
            "organisation": organisation.pk,
            "addressee": partner.pk,
            "question": "Anything?",
            "due_on_day": past.day,
            "due_on_month": past.month,
            "due_on_year": past.year,
        },
    )
    assert bad.status_code == 200
    assert "The due date must be today or in the future" in bad.content.decode()
    due = next_working_day(gathering_case.local_authority)
    good = client.post(
        url,
        {
            "organisation": organisation.pk,
            "addressee": partner.pk,
            "question": "Anything?",
            "due_on_day": due.day,
            "due_on_month": due.month,
            "due_on_year": due.year,
        },
    )
    assert good.status_code == 302
    assert InformationRequest.objects.get().due_on == due
