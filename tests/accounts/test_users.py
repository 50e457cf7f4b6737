"""User management by the Prevent lead: invite (one-time expiring link), accept, change role, deactivate."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Role, User
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-unusual-passphrase-19"


def _invite(client: Client, lead, capture, email="new.person@example.org", role=Role.PANEL_MEMBER) -> str:
    """Invite through the page; the e-mail goes after commit, so the on-commit callbacks are run."""
    client.force_login(lead)
    with capture(execute=True):
        response = client.post(reverse("accounts:user-invite"), {"email": email, "role": role})
    assert response.status_code == 302, response.content.decode()
    message = mail.outbox[-1]
    return re.search(r"http://\S+/accounts/invitations/(\S+)/", message.body).group(1)


def test_invitation_email_carries_the_link_only(
    client, prevent_lead, assert_audited, django_capture_on_commit_callbacks
):
    token = _invite(client, prevent_lead, django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    assert message.to == ["new.person@example.org"]
    assert prevent_lead.email not in message.body
    assert "Testshire" not in message.body
    assert f"/accounts/invitations/{token}/" in message.body
    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.local_authority_id) == (Role.PANEL_MEMBER, prevent_lead.local_authority_id)
    assert_audited("USER_INVITED", invitation, invitation_id=invitation.pk, role="panel_member")


def test_a_mail_outage_keeps_the_invitation_and_a_later_sweep_sends_a_working_link(
    client, prevent_lead, settings, django_capture_on_commit_callbacks
):
    from core.models import OutboxMessage
    from core.services import outbox_sweep

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there
    client.force_login(prevent_lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:user-invite"), {"email": "new.person@example.org", "role": Role.PANEL_MEMBER}
        )
    assert response.status_code == 302  # the lead's page is not an error page
    invitation = Invitation.objects.get()
    message = OutboxMessage.objects.get(topic="accounts.invitation_send")
    assert (message.object_id, message.attempts, message.dispatched_at) == (str(invitation.pk), 1, None)
    assert "new.person" not in message.object_id + message.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert outbox_sweep()["dispatched"] == 1
    token = re.search(r"http://\S+/accounts/invitations/(\S+)/", mail.outbox[-1].body).group(1)
    assert "Create your password" in Client().get(reverse("accounts:invitation-accept", args=[token])).content.decode()


def test_a_superseded_invitation_is_not_sent_late(client, prevent_lead, settings, django_capture_on_commit_callbacks):
    from core.models import OutboxMessage
    from core.services import outbox_sweep

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1
    client.force_login(prevent_lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:user-invite"), {"email": "new.person@example.org", "role": Role.PANEL_MEMBER})
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):  # invited again: the first link stops working
        client.post(reverse("accounts:user-invite"), {"email": "new.person@example.org", "role": Role.CHANNEL_CHAIR})
    assert len(mail.outbox) == 1
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    outbox_sweep()  # the first invitation's message is done without sending its dead link
    assert len(mail.outbox) == 1
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()


def test_accepting_sets_a_valid_password_then_forces_enrolment(
    prevent_lead, assert_audited, django_capture_on_commit_callbacks
):
    token = _invite(Client(), prevent_lead, django_capture_on_commit_callbacks)
    visitor = Client()
    url = reverse("accounts:invitation-accept", args=[token])
    page = visitor.get(url).content.decode()
    assert "Create your password" in page
    short = visitor.post(url, {"password1": "short", "password2": "short"}).content.decode()
    assert "This password is too short. It must contain at least 12 characters." in short
    common = visitor.post(url, {"password1": "password1234", "password2": "password1234"}).content.decode()
    assert "This password is too common." in common
    response = visitor.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response["Location"] == reverse("accounts:mfa-setup")
    user = User.objects.get(email="new.person@example.org")
    assert user.role == Role.PANEL_MEMBER
    assert user.local_authority_id == prevent_lead.local_authority_id
    assert user.check_password(NEW_PASSWORD)
    assert visitor.get("/")["Location"].startswith(reverse("accounts:mfa-setup"))
    assert_audited("INVITATION_ACCEPTED", user, role="panel_member")
    again = Client().get(url)
    assert again.status_code == 410
    assert "This invitation has already been used" in again.content.decode()


def test_an_expired_link_says_so(prevent_lead, django_capture_on_commit_callbacks):
    token = _invite(Client(), prevent_lead, django_capture_on_commit_callbacks)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = Client().post(
        reverse("accounts:invitation-accept", args=[token]), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()
    assert not User.objects.filter(email="new.person@example.org").exists()


def test_the_signature_expires_too(prevent_lead, settings, django_capture_on_commit_callbacks):
    token = _invite(Client(), prevent_lead, django_capture_on_commit_callbacks)
    settings.INVITATION_MAX_AGE_HOURS = 0
    assert (
        "This invitation has expired"
        in Client().get(reverse("accounts:invitation-accept", args=[token])).content.decode()
    )


def test_a_tampered_or_superseded_link_does_not_work(prevent_lead, django_capture_on_commit_callbacks):
    first = _invite(Client(), prevent_lead, django_capture_on_commit_callbacks)
    second = _invite(Client(), prevent_lead, django_capture_on_commit_callbacks)
    assert Client().get(reverse("accounts:invitation-accept", args=[first[:-2] + "xx"])).status_code == 410
    assert (
        "This invitation has expired"
        in Client().get(reverse("accounts:invitation-accept", args=[first])).content.decode()
    )
    assert Client().get(reverse("accounts:invitation-accept", args=[second])).status_code == 200


def test_an_existing_account_cannot_be_invited(client, prevent_lead, triage_officer):
    client.force_login(prevent_lead)
    response = client.post(reverse("accounts:user-invite"), {"email": triage_officer.email.upper(), "role": "auditor"})
    assert "There is already an account with this email address" in response.content.decode()


def test_only_a_prevent_lead_manages_users(client, triage_officer, auditor):
    for user in (triage_officer, auditor):
        client.force_login(user)
        assert client.get(reverse("accounts:user-list")).status_code == 403
        assert (
            client.post(reverse("accounts:user-invite"), {"email": "x@example.org", "role": "auditor"}).status_code
            == 403
        )
    assert not Invitation.objects.exists()


def test_the_lead_sees_and_changes_only_their_own_authority(client, prevent_lead, triage_officer, other_triage_officer):
    client.force_login(prevent_lead)
    listing = client.get(reverse("accounts:user-list")).content.decode()
    assert triage_officer.email in listing
    assert other_triage_officer.email not in listing
    for name in ("accounts:user-role", "accounts:user-deactivate"):
        assert client.get(reverse(name, args=[other_triage_officer.pk])).status_code == 404
    assert (
        client.post(reverse("accounts:user-role", args=[other_triage_officer.pk]), {"role": "auditor"}).status_code
        == 404
    )
    other_triage_officer.refresh_from_db()
    assert other_triage_officer.role == Role.TRIAGE_OFFICER


def test_role_change_is_audited(client, prevent_lead, triage_officer, assert_audited):
    client.force_login(prevent_lead)
    response = client.post(reverse("accounts:user-role", args=[triage_officer.pk]), {"role": Role.CHANNEL_CHAIR})
    assert response.status_code == 302
    triage_officer.refresh_from_db()
    assert triage_officer.role == Role.CHANNEL_CHAIR
    assert_audited("USER_ROLE_CHANGED", triage_officer, role="channel_chair", previous_role="triage_officer")


def test_nobody_changes_or_deactivates_themselves(client, prevent_lead, assert_audited):
    client.force_login(prevent_lead)
    assert client.post(reverse("accounts:user-role", args=[prevent_lead.pk]), {"role": "auditor"}).status_code == 403
    assert client.post(reverse("accounts:user-deactivate", args=[prevent_lead.pk])).status_code == 403
    prevent_lead.refresh_from_db()
    assert prevent_lead.role == Role.PREVENT_LEAD
    assert prevent_lead.is_active
    assert_audited("USER_CHANGE_REFUSED", prevent_lead, outcome="refused", change="deactivate")


@pytest.mark.parametrize(
    ("name", "change", "reason"),
    [
        ("accounts:user-role", "role", "You cannot change your own role or council."),
        ("accounts:user-deactivate", "deactivate", "You cannot deactivate your own account."),
    ],
)
def test_the_lead_s_own_role_and_deactivate_pages_are_refused_before_the_form(  # noqa: PLR0913, PLR0917
    client, prevent_lead, assert_audited, name, change, reason
):
    """The users list offers neither for the lead's own account; the address typed in showed the form, refused
    only on submit. Refused on GET, audited once as the submit's refusal is, with the reason and a way back."""
    from audit.models import AuditEvent

    client.force_login(prevent_lead)
    before = AuditEvent.objects.count()
    response = client.get(reverse(name, args=[prevent_lead.pk]))
    assert response.status_code == 403
    page = response.content.decode()
    assert reason in page
    assert f'<a href="{reverse("accounts:user-list")}" class="govuk-link">Back to users</a>' in page
    assert "<form" not in page.split('id="main-content"')[1]
    assert_audited("USER_CHANGE_REFUSED", prevent_lead, outcome="refused", change=change)
    assert AuditEvent.objects.count() == before + 1


def test_a_refused_submit_says_why(client, prevent_lead):
    client.force_login(prevent_lead)
    response = client.post(reverse("accounts:user-role", args=[prevent_lead.pk]), {"role": "auditor"})
    assert response.status_code == 403
    assert "You cannot change your own role or council." in response.content.decode()


def test_deactivation_ends_sessions_and_sign_in(client, prevent_lead, triage_officer, assert_audited):
    victim = Client()
    victim.force_login(triage_officer)
    client.force_login(prevent_lead)
    assert "Are you sure" in client.get(reverse("accounts:user-deactivate", args=[triage_officer.pk])).content.decode()
    assert client.post(reverse("accounts:user-deactivate", args=[triage_officer.pk])).status_code == 302
    triage_officer.refresh_from_db()
    assert not triage_officer.is_active
    assert victim.get("/audit/")["Location"].startswith("/accounts/sign-in/")
    # Even if someone reactivates the account later, the old session stays dead (its token was rotated).
    User.objects.filter(pk=triage_officer.pk).update(is_active=True)
    assert victim.get("/audit/")["Location"] == reverse("accounts:signed-out")
    User.objects.filter(pk=triage_officer.pk).update(is_active=False)
    refused = Client().post("/accounts/sign-in/", {"username": triage_officer.email, "password": TEST_PASSWORD})
    assert refused.status_code == 200
    assert_audited("USER_DEACTIVATED", triage_officer)
    assert_audited("SESSIONS_REVOKED", triage_officer)


def test_the_header_offers_manage_users_to_prevent_leads_only(client, prevent_lead, triage_officer):
    client.force_login(prevent_lead)
    assert "Manage users" in client.get("/").content.decode()
    client.force_login(triage_officer)
    assert "Manage users" not in client.get("/").content.decode()
