"""Pages of the purge: "Purge due" and "Purge the case" on the Closure section, the council's certificates
(Prevent lead and auditor, linked from their home pages), and the referrer's list after purge."""

from __future__ import annotations

import pytest
from django.urls import reverse

from closure.models import PurgeCertificate
from closure.services.purge import case_purge
from referrals.models import Referral

pytestmark = pytest.mark.django_db


def _section(reference: str) -> str:
    return reverse("referrals:referral-section", args=[reference, "closure"])


def test_the_closure_section_shows_purge_due_and_the_prevent_lead_purges(client, transferred_case, prevent_lead):
    reference = transferred_case.reference
    client.force_login(prevent_lead)
    page = client.get(_section(reference)).content.decode()
    assert "Purge due" in page
    assert "Purge the case" in page
    response = client.post(reverse("closure:case-purge", args=[reference]))
    assert response.status_code == 302
    assert response["Location"] == reverse("closure:certificate-detail", args=[reference])
    assert not Referral.objects.filter(reference=reference).exists()
    detail = client.get(response["Location"]).content.decode()
    assert "Signature verified" in detail
    assert PurgeCertificate.objects.get().package_sha256 in detail
    assert prevent_lead.email in detail


def test_the_purge_button_is_not_offered_during_the_hold_period(client, transferred_case, prevent_lead, settings):
    settings.PURGE_HOLD_DAYS = 30
    client.force_login(prevent_lead)
    page = client.get(_section(transferred_case.reference)).content.decode()
    assert "Purge due" in page
    assert "Purge the case" not in page
    response = client.post(reverse("closure:case-purge", args=[transferred_case.reference]), follow=True)
    assert "hold period ends" in response.content.decode()
    assert Referral.objects.filter(pk=transferred_case.pk).exists()


@pytest.mark.parametrize("role", ["prevent_lead", "auditor"])
def test_certificates_are_listed_for_the_prevent_lead_and_the_auditor_from_their_home_page(
    client, transferred_case, request, role
):
    case_purge(reference=transferred_case.reference, actor=None, via="schedule")
    client.force_login(request.getfixturevalue(role))
    home = client.get(reverse("home")).content.decode()
    listing = reverse("closure:certificate-list")
    assert listing in home
    page = client.get(listing).content.decode()
    assert transferred_case.reference in page
    assert "The scheduled purge" in page
    assert transferred_case.given_name not in page


def test_after_purge_the_referrer_sees_the_reference_closed_and_nothing_else(client, transferred_case, referrer):
    reference = transferred_case.reference
    case_purge(reference=reference, actor=None, via="schedule")
    client.force_login(referrer)
    page = client.get(reverse("referrals:my-referrals")).content.decode()
    assert reference in page
    assert "Closed" in page
    assert transferred_case.given_name not in page
    assert reverse("referrals:referral-add-information", args=[reference]) not in page
