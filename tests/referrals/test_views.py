from __future__ import annotations

import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from referrals.choices import ReferralStatus
from referrals.models import Referral

from .factories import submitted_referral

pytestmark = pytest.mark.django_db

# Who may open which case URL is tested once, over every case URL, role and situation: test_access_matrix.py.


def test_case_page_buttons_are_exactly_the_available_transitions(client, referrer, triage_officer, prevent_lead):
    referral = submitted_referral(user=referrer)
    client.force_login(prevent_lead)
    body = client.get(reverse("referrals:referral-detail", args=[referral.reference])).content.decode()
    assert "Start screening" not in body
    client.force_login(triage_officer)
    body = client.get(reverse("referrals:referral-detail", args=[referral.reference])).content.decode()
    assert "Start screening" in body
    assert "Close case" not in body
    response = client.post(reverse("referrals:referral-transition", args=[referral.reference, "start_screening"]))
    assert response.status_code == 302
    body = client.get(reverse("referrals:referral-detail", args=[referral.reference])).content.decode()
    # Moving on from screening is the screening outcome's doing (recorded_in): no bare button for it.
    assert "Start information gathering" not in body
    assert "Close case" not in body
    history = client.get(reverse("referrals:referral-section", args=[referral.reference, "history"])).content.decode()
    assert "Screening started" in history


@pytest.mark.parametrize("transition", ["start_information_gathering", "refer_to_channel", "close"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_transition_recorded_in_a_section_is_never_taken_bare(client, referrer, triage_officer, transition, method):
    from referrals import services

    referral = services.referral_start_screening(referral=submitted_referral(user=referrer), actor=triage_officer)
    if transition == "refer_to_channel":
        referral = services.referral_start_information_gathering(referral=referral, actor=triage_officer)
    stage = referral.status
    client.force_login(triage_officer)
    url = reverse("referrals:referral-transition", args=[referral.reference, transition])
    response = getattr(client, method)(
        url, {"reason_code": "NFA_SIGNPOSTED", "summary": "Bare.", "shown_status": stage}
    )
    assert response.status_code == 302
    assert response.url == reverse("referrals:referral-section", args=[referral.reference, "screening"])
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.status, stored.closing_reason) == (stage, "")
    assert not AuditEvent.objects.filter(action="REFERRAL_STATUS_CHANGED", details__source=stage).exists()


def test_transition_refused_is_403_and_audited(client, referrer, prevent_lead):
    referral = submitted_referral(user=referrer)
    client.force_login(prevent_lead)  # reads the case; starting screening is the screeners' (ACCESS.md)
    response = client.post(reverse("referrals:referral-transition", args=[referral.reference, "start_screening"]))
    assert response.status_code == 403
    # One refusal, one event: the service's, with the transition; the middleware does not add a second.
    refusals = AuditEvent.objects.filter(outcome="refused", case_reference=referral.reference)
    assert [(e.action, e.details["transition"]) for e in refusals] == [("REFERRAL_STATUS_CHANGED", "start_screening")]
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SUBMITTED


def test_my_referrals_shows_coarse_status_not_the_case(client, referrer, triage_officer):
    from referrals import services

    referral = submitted_referral(user=referrer, given_name="Hidden-Canary")
    services.referral_start_screening(referral=referral, actor=triage_officer)
    client.force_login(referrer)
    body = client.get(reverse("referrals:my-referrals")).content.decode()
    assert referral.reference in body
    assert "Being assessed" in body
    assert "Hidden-Canary" not in body
    assert "Screening" not in body


def test_add_further_information(client, referrer):
    referral = submitted_referral(user=referrer)
    client.force_login(referrer)
    url = reverse("referrals:referral-add-information", args=[referral.reference])
    response = client.post(url, {"text": ""})
    assert "Enter the further information" in response.content.decode()
    response = client.post(url, {"text": "Something new"})
    assert response.status_code == 302
    assert referral.further_information.get().text == "Something new"


def test_possible_repeat_referrals_are_shown_to_mash_never_to_the_referrer(client, referrer, triage_officer):
    first = submitted_referral(user=referrer)
    second = submitted_referral(user=referrer)
    client.force_login(triage_officer)
    body = client.get(reverse("referrals:referral-detail", args=[second.reference])).content.decode()
    assert "Other referrals that may be about this person:" in body
    assert f'href="/referrals/{first.reference}/"' in body
    client.force_login(referrer)
    mine = client.get(reverse("referrals:my-referrals")).content.decode()
    assert "may be about this person" not in mine
    assert client.get(reverse("referrals:referral-confirmation", args=[second.reference])).status_code == 200
    assert (
        "earlier"
        not in client.get(reverse("referrals:referral-confirmation", args=[second.reference])).content.decode()
    )


@pytest.mark.parametrize(
    "role_fixture", ["referrer", "channel_chair", "panel_member", "auditor", "superuser", "other_prevent_lead"]
)
def test_every_case_url_is_404_to_those_who_may_not_see_the_case(client, request, referrer, role_fixture):
    import io

    from referrals import services

    from .factories import draft_referral

    draft = draft_referral(user=referrer)
    attachment = services.referral_attachment_add(
        referral=draft, actor=referrer, fileobj=io.BytesIO(b"%PDF-1.4 x"), filename="a.pdf", size=10
    )
    referral = services.referral_submit(referral=draft, actor=referrer)
    client.force_login(request.getfixturevalue(role_fixture))
    reference = referral.reference
    responses = {
        "detail": client.get(reverse("referrals:referral-detail", args=[reference])),
        "close page": client.get(reverse("referrals:referral-transition", args=[reference, "close"])),
        "transition": client.post(reverse("referrals:referral-transition", args=[reference, "start_screening"])),
        "attachment": client.get(reverse("referrals:referral-attachment", args=[reference, attachment.pk])),
    }
    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses, 404)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert not AuditEvent.objects.filter(action="ATTACHMENT_DOWNLOADED").exists()


@pytest.mark.django_db
def test_queue_lists_own_authority_referrals(client, triage_officer, other_triage_officer, referrer):
    from tests.referrals.factories import submitted_referral

    own = submitted_referral(user=referrer)
    client.force_login(triage_officer)
    body = client.get("/referrals/queue/").content.decode()
    assert f'href="/referrals/{own.reference}/"' in body
    assert "Submitted" in body
    client.force_login(other_triage_officer)
    assert own.reference not in client.get("/referrals/queue/").content.decode()


@pytest.mark.django_db
def test_queue_is_empty_for_roles_that_cannot_see_cases(client, auditor, referrer):
    from tests.referrals.factories import submitted_referral

    own = submitted_referral(user=referrer)
    client.force_login(auditor)
    body = client.get("/referrals/queue/").content.decode()
    assert own.reference not in body
    assert "There are no referrals you can see." in body


def test_transition_after_another_officer_moved_the_case_shows_a_409_page_and_is_audited(
    client, monkeypatch, referrer, triage_officer, police_prevent_officer
):
    from referrals import services
    from referrals.selectors import referral_get
    from referrals.views import staff

    referral = submitted_referral(user=referrer)

    def loaded_just_before_the_other_officer_acts(*, user, reference):
        # The real selector's copy; then the other officer starts screening, so that copy is now stale.
        copy = referral_get(user=user, reference=reference)
        services.referral_start_screening(
            referral=referral_get(user=triage_officer, reference=reference), actor=triage_officer
        )
        return copy

    monkeypatch.setattr(staff, "referral_get", loaded_just_before_the_other_officer_acts)
    client.force_login(police_prevent_officer)
    response = client.post(reverse("referrals:referral-transition", args=[referral.reference, "start_screening"]))

    body = response.content.decode()
    assert response.status_code == 409
    assert "Someone else has just changed this case" in body
    assert "Nothing you did was saved" in body
    assert f'href="{reverse("referrals:referral-detail", args=[referral.reference])}"' in body
    assert "Go back to the case" in body
    event = AuditEvent.objects.get(action="REFERRAL_TRANSITION_CONFLICTED", target_id=str(referral.pk))
    assert (event.outcome, event.actor_id) == ("refused", police_prevent_officer.pk)
    assert event.details == {"transition": "start_screening", "source": "submitted", "current_status": "screening"}
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SCREENING


def test_sending_after_an_answer_changed_in_another_tab_shows_the_current_answers_to_check_again(
    client, referrer, assert_audited
):
    from .factories import draft_referral

    draft = draft_referral(user=referrer)
    client.force_login(referrer)
    check_url = reverse("referrals:draft-check", args=[draft.pk])
    shown = re.search(r'name="answers_version" value="(\d+)"', client.get(check_url).content.decode()).group(1)
    # Another tab changes the first name.
    name_url = reverse("referrals:draft-step", args=[draft.pk, "name"])
    client.post(f"{name_url}?return=check", {"given_name": "Robin", "family_name": "Example", "other_names": ""})

    response = client.post(check_url, {"declaration": "on", "answers_version": shown})

    body = response.content.decode()
    assert response.status_code == 409
    assert "There is a problem" in body
    assert "Your answers were changed in another tab or window. Check them again before you send the referral." in body
    assert "Robin" in body
    assert Referral.objects.get(pk=draft.pk).status == ReferralStatus.DRAFT
    assert_audited("REFERRAL_TRANSITION_CONFLICTED", draft, outcome="refused", transition="submit")
    current = re.search(r'name="answers_version" value="(\d+)"', body).group(1)
    assert int(current) == int(shown) + 1
    response = client.post(check_url, {"declaration": "on", "answers_version": current})
    assert response.status_code == 302
    assert Referral.objects.get(pk=draft.pk).status == ReferralStatus.SUBMITTED


def test_a_button_pressed_on_a_page_shown_before_another_officer_acted_gives_the_409_page(
    client, referrer, triage_officer, police_prevent_officer
):
    from referrals import services

    referral = submitted_referral(user=referrer)
    client.force_login(police_prevent_officer)
    page = client.get(reverse("referrals:referral-detail", args=[referral.reference])).content.decode()
    assert 'name="shown_status" value="submitted"' in page
    services.referral_start_screening(referral=Referral.objects.get(pk=referral.pk), actor=triage_officer)

    response = client.post(
        reverse("referrals:referral-transition", args=[referral.reference, "start_screening"]),
        {"shown_status": "submitted"},
    )

    assert response.status_code == 409
    assert "Someone else has just changed this case" in response.content.decode()
    event = AuditEvent.objects.get(action="REFERRAL_TRANSITION_CONFLICTED", target_id=str(referral.pk))
    assert (event.outcome, event.actor_id) == ("refused", police_prevent_officer.pk)
