"""What every signed-in page pays before its own work, and the second factor that it checks on every request.

Each request reads the session, the user (with membership and council, accounts.backends) and the device that
verified the session (django_otp's OTPMiddleware): the verification stays bound to a real, still-confirmed device,
so a device deleted or unconfirmed meanwhile ends it on the very next request, whatever the session says.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

# The home page of each role, at most: session, user (membership and council joined), device; then the role's
# own lists (a partner's requests; the meetings of a panel; a chair's work due). Measured, not chosen: a page
# that reads more per request than this is a regression to look at.
HOME_STATEMENTS = {
    "referrer": 3,
    "triage_officer": 3,
    "auditor": 3,
    "intervention_provider": 3,
    "partner_contributor": 4,
    "police_prevent_officer": 5,
    "panel_member": 5,
    "prevent_lead": 5,
    "channel_chair": 9,
}


@pytest.mark.parametrize(("role", "statements"), HOME_STATEMENTS.items())
def test_the_home_page_reads_a_fixed_number_of_statements(
    request, client, role, statements, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(role))
    client.get("/")  # the first page after sign-in may record activity; the next ones in the minute do not
    with django_assert_max_num_queries(statements):
        assert client.get("/").status_code == 200


def test_the_header_draws_its_addresses_for_a_signed_in_person(client, prevent_lead):
    client.force_login(prevent_lead)
    page = client.get("/").content.decode()
    for name in ("home", "accounts:account", "accounts:sign-out", "accounts:keep-alive", "accounts:user-list"):
        assert reverse(name) in page


def _verified_client(client, user):  # noqa: ANN001, ANN202
    client.force_login(user)
    assert client.get("/").status_code == 200
    return TOTPDevice.objects.get(user=user, confirmed=True)


def test_a_deleted_device_ends_the_verification_on_the_next_request(client, triage_officer):
    device = _verified_client(client, triage_officer)
    device.delete()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa-setup"))
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_an_unconfirmed_device_ends_the_verification_on_the_next_request(client, triage_officer):
    device = _verified_client(client, triage_officer)
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)
    response = client.get(reverse("referrals:referral-queue"))
    assert response.status_code == 302
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_another_persons_device_does_not_verify_a_session(client, triage_officer, referrer):
    _verified_client(client, triage_officer)
    theirs = TOTPDevice.objects.create(user=referrer, name="Theirs", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = theirs.persistent_id
    session.save()
    assert client.get("/").status_code == 302
