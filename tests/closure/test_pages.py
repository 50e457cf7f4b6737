"""The Closure section of the case page, the transfers in progress, the receipt upload, and the demo case."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.services import demo_data_seed
from closure.models import PurgeCertificate, Tombstone, Transfer, TransferStage
from closure.receipts import receipt_build
from closure.services import transfer_deliver
from encryption.signing import ed25519_private_key_new
from referrals.choices import ReferralStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(closed_case):
    return transfer_deliver(transfer_id=closed_case.transfer.pk)


def _section(reference: str) -> str:
    return reverse("referrals:referral-section", args=[reference, "closure"])


def _receipt(transfer, key: bytes) -> SimpleUploadedFile:
    data = receipt_build(
        signing_key=key,
        package_id=str(transfer.package_id),
        package_sha256=transfer.package_sha256,
        case_reference=transfer.referral.reference,
        received_at="2026-11-28T12:00:00+00:00",
    )
    return SimpleUploadedFile("receipt.json", data, content_type="application/json")


def test_the_section_shows_the_transfer_and_the_upload_to_the_ctp_liaison(client, delivered, police_prevent_officer):
    client.force_login(police_prevent_officer)
    page = client.get(_section(delivered.referral.reference)).content.decode()
    assert "Delivered, receipt awaited" in page
    assert delivered.package_sha256 in page
    assert "Confirm CTP&#x27;s receipt" in page or "Confirm CTP's receipt" in page


def test_the_section_offers_no_upload_to_the_prevent_lead(client, delivered, prevent_lead):
    client.force_login(prevent_lead)
    page = client.get(_section(delivered.referral.reference)).content.decode()
    assert "Delivered, receipt awaited" in page
    assert 'name="receipt"' not in page


def test_uploading_ctp_s_receipt_transfers_the_case(client, delivered, police_prevent_officer, transfer_keys):
    client.force_login(police_prevent_officer)
    url = reverse("closure:transfer-receipt", args=[delivered.referral.reference])
    response = client.post(url, {"receipt": _receipt(delivered, transfer_keys["raw"]["ctp_signing.key"])})
    assert response.status_code == 302
    delivered.refresh_from_db()
    assert delivered.stage == TransferStage.ACKNOWLEDGED
    assert delivered.referral.status == ReferralStatus.TRANSFERRED
    page = client.get(_section(delivered.referral.reference)).content.decode()
    assert "Receipt received" in page


def test_a_receipt_signed_by_another_key_comes_back_as_an_error(client, delivered, police_prevent_officer):
    client.force_login(police_prevent_officer)
    url = reverse("closure:transfer-receipt", args=[delivered.referral.reference])
    response = client.post(url, {"receipt": _receipt(delivered, ed25519_private_key_new())})
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "not signed by CTP" in page
    delivered.refresh_from_db()
    assert delivered.stage == TransferStage.DELIVERED


def test_an_empty_upload_asks_for_the_file(client, delivered, police_prevent_officer):
    client.force_login(police_prevent_officer)
    response = client.post(reverse("closure:transfer-receipt", args=[delivered.referral.reference]), {})
    assert response.status_code == 200
    assert "Select the receipt file" in response.content.decode()


def test_reloading_the_receipt_address_after_a_refused_upload_goes_back_to_the_closure_section(
    client, delivered, police_prevent_officer
):
    """After a refused receipt the browser's bar shows the upload's address: reloading it (a GET) used to answer
    Django's empty 405, a blank page."""
    client.force_login(police_prevent_officer)
    url = reverse("closure:transfer-receipt", args=[delivered.referral.reference])
    client.post(url, {"receipt": _receipt(delivered, ed25519_private_key_new())})
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == _section(delivered.referral.reference)


def test_the_receipt_address_of_a_case_the_user_may_not_see_is_not_found(client, delivered, other_prevent_lead):
    client.force_login(other_prevent_lead)
    response = client.get(reverse("closure:transfer-receipt", args=[delivered.referral.reference]))
    assert response.status_code == 404


def test_transfers_in_progress_from_the_prevent_lead_s_home_page(client, delivered, prevent_lead, other_prevent_lead):
    client.force_login(prevent_lead)
    home = client.get(reverse("home")).content.decode()
    assert reverse("closure:transfer-list") in home
    page = client.get(reverse("closure:transfer-list")).content.decode()
    assert delivered.referral.reference in page
    client.force_login(other_prevent_lead)
    assert delivered.referral.reference not in client.get(reverse("closure:transfer-list")).content.decode()


def test_seed_demo_closure_leaves_a_case_awaiting_the_receipt(transfer_keys):
    with pytest.raises(CommandError, match="Run seed_demo first"):
        call_command("seed_demo_closure", stdout=io.StringIO())
    demo_data_seed(password="a-long-demo-password", totp_secret="DEMOPREVENTCHANNELTOTPKEY234567A")
    out = io.StringIO()
    call_command("seed_demo_closure", stdout=out)
    transfer = Transfer.objects.get()  # the purged demo case's transfer went with it
    assert transfer.stage == TransferStage.DELIVERED
    certificate = PurgeCertificate.objects.get()
    assert certificate.reference in out.getvalue()
    assert certificate.reference != transfer.referral.reference
    assert Tombstone.objects.count() == 1
    assert transfer.referral.status == ReferralStatus.TRANSFERRING
    assert transfer.referral.reference in out.getvalue()
    again = io.StringIO()
    call_command("seed_demo_closure", stdout=again)
    assert "already exists" in again.getvalue()
    assert Transfer.objects.count() == 1
    assert PurgeCertificate.objects.count() == 1
