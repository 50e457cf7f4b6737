"""The Channel section of the case page, the step pages, and the chair's reading of a case (ACCESS.md)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from channel.choices import ChannelStage
from channel.models import ChannelCase
from referrals import services as referral_services
from referrals.choices import ClosingReason, ReferralStatus
from referrals.models import Referral
from tests.referrals.factories import information_gathering_referral, screening_referral

from .steps import take

pytestmark = pytest.mark.django_db
S = ChannelStage


def _section(referral) -> str:
    return reverse("referrals:referral-section", args=[referral.reference, "channel"])


def _step(referral, step: str) -> str:
    return reverse("channel:case-step", args=[referral.reference, step])


# --- the chair's reading (ACCESS.md "Reading case content")


def test_the_chair_reads_a_case_of_their_council_with_channel(client, channel_chair, handed_over):
    client.force_login(channel_chair)
    page = client.get(reverse("referrals:referral-detail", args=[handed_over.reference]))
    assert page.status_code == 200
    assert AuditEvent.objects.filter(action="CASE_CONTENT_READ", actor_id=channel_chair.pk).exists()
    assert client.get(_section(handed_over)).status_code == 200
    assert client.get(reverse("referrals:referral-section", args=[handed_over.reference, "history"])).status_code == 200


def test_the_chair_of_another_council_gets_a_404(client, make_user, other_local_authority, handed_over):
    from accounts.models import Role

    client.force_login(make_user(other_local_authority, Role.CHANNEL_CHAIR, prefix="far-"))
    assert client.get(reverse("referrals:referral-detail", args=[handed_over.reference])).status_code == 404
    assert client.get(_step(handed_over, "adopt")).status_code == 404


def test_the_chair_gets_a_404_before_the_case_is_with_channel(client, channel_chair, referrer, triage_officer):
    referral = information_gathering_referral(user=referrer, screener=triage_officer)
    client.force_login(channel_chair)
    assert client.get(reverse("referrals:referral-detail", args=[referral.reference])).status_code == 404


def test_the_chair_reads_a_case_closed_after_channel_but_not_one_closed_at_screening(
    client, channel_chair, channel_case, referrer, triage_officer
):
    take(channel_case, "not_adopt", channel_chair)
    screened = screening_referral(user=referrer, screener=triage_officer)
    referral_services.referral_close(
        referral=screened, actor=triage_officer, reason_code=ClosingReason.NFA_NO_CONCERN, summary="No concern."
    )
    client.force_login(channel_chair)
    closed_after_channel = Referral.objects.get(pk=channel_case.referral_id)
    assert closed_after_channel.status == ReferralStatus.CLOSED
    assert client.get(reverse("referrals:referral-detail", args=[closed_after_channel.reference])).status_code == 200
    assert client.get(reverse("referrals:referral-detail", args=[screened.reference])).status_code == 404


# --- the section and the step pages


def test_the_section_shows_the_stage_and_the_chair_s_steps(client, channel_chair, handed_over):
    client.force_login(channel_chair)
    body = client.get(_section(handed_over)).content.decode()
    assert "Listed for the panel" in body
    # The panel's decisions are taken at a meeting (channel/meetings), never from the section.
    assert _step(handed_over, "adopt") not in body
    assert _step(handed_over, "not_adopt") not in body
    assert reverse("referrals:referral-section", args=[handed_over.reference, "panel"]) in body
    assert _step(handed_over, "withdraw") in body
    assert ">listed<" not in body  # people read the label, never the code


def test_a_triage_officer_sees_the_section_without_panel_decisions(client, triage_officer, handed_over):
    client.force_login(triage_officer)
    body = client.get(_section(handed_over)).content.decode()
    assert "Listed for the panel" in body
    assert _step(handed_over, "withdraw") not in body
    assert client.get(_step(handed_over, "withdraw")).status_code == 403


def test_the_section_is_hidden_before_the_case_is_with_channel(client, triage_officer, referrer):
    referral = information_gathering_referral(user=referrer, screener=triage_officer)
    client.force_login(triage_officer)
    assert client.get(_section(referral)).status_code == 403
    page = client.get(reverse("referrals:referral-detail", args=[referral.reference]))
    assert _section(referral) not in page.content.decode()


@pytest.mark.parametrize("step", ["adopt", "not_adopt", "exit", "relist"])
def test_a_panel_decision_is_not_taken_from_its_own_page(client, channel_chair, handed_over, step):
    """ACCESS.md: a panel decision only with quorum, so only at a meeting (tests/channel/meetings)."""
    client.force_login(channel_chair)
    panel_section = reverse("referrals:referral-section", args=[handed_over.reference, "panel"])
    assert client.get(_step(handed_over, step))["Location"] == panel_section
    response = client.post(_step(handed_over, step), {"note": "Directly.", "shown_state": "listed"}, follow=True)
    assert "recorded at a panel meeting" in response.content.decode()
    assert ChannelCase.objects.get(referral=handed_over).state == S.LISTED
    assert not AuditEvent.objects.filter(action="CHANNEL_STAGE_CHANGED").exists()


def test_an_empty_form_comes_back_with_a_gov_uk_error_summary(client, channel_chair, handed_over):
    client.force_login(channel_chair)
    response = client.post(_step(handed_over, "withdraw"), {"shown_state": "listed"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Select a reason" in body
    assert "Enter the reasons, as they will be read in the case record" in body
    assert ChannelCase.objects.get(referral=handed_over).state == S.LISTED


def test_a_re_assessment_date_in_the_past_is_an_error_on_the_page(client, channel_chair, channel_case):
    take(channel_case, "adopt", channel_chair)
    client.force_login(channel_chair)
    response = client.post(
        _step(channel_case.referral, "record_consent_refused"),
        {
            "shown_state": "awaiting_consent",
            "consent_date_day": "1",
            "consent_date_month": "2",
            "consent_date_year": "2026",
            "reassess_on_day": "1",
            "reassess_on_month": "1",
            "reassess_on_year": "2020",
        },
    )
    assert response.status_code == 200
    assert "The re-assessment date must be in the future" in response.content.decode()
    assert ChannelCase.objects.get(pk=channel_case.pk).state == S.AWAITING_CONSENT


def test_a_role_that_may_not_gets_the_403_page_and_an_audited_refusal(client, triage_officer, handed_over):
    client.force_login(triage_officer)
    response = client.post(
        _step(handed_over, "withdraw"), {"reason_code": "MOVED_AREA", "note": "No.", "shown_state": "listed"}
    )
    assert response.status_code == 403
    refusal = AuditEvent.objects.get(action="CHANNEL_STAGE_CHANGED", outcome="refused", actor_id=triage_officer.pk)
    assert refusal.details == {"transition": "withdraw", "stage_before": "listed"}
    assert ChannelCase.objects.get(referral=handed_over).state == S.LISTED


def test_a_form_shown_before_someone_else_moved_the_case_is_a_409(client, channel_chair, channel_case):
    take(channel_case, "adopt", channel_chair)
    client.force_login(channel_chair)
    response = client.post(
        _step(channel_case.referral, "withdraw"),
        {"reason_code": "MOVED_AREA", "note": "Moved.", "shown_state": "listed"},
    )
    assert response.status_code == 409
    assert ChannelCase.objects.get(pk=channel_case.pk).state == S.AWAITING_CONSENT
    assert AuditEvent.objects.filter(action="CHANNEL_TRANSITION_CONFLICTED", outcome="refused").exists()


def test_a_step_not_possible_now_says_so_on_the_case(client, channel_chair, handed_over):
    client.force_login(channel_chair)
    response = client.get(_step(handed_over, "complete"), follow=True)
    assert "That step is not possible for this case now." in response.content.decode()


def test_an_unknown_step_is_a_404(client, channel_chair, handed_over):
    client.force_login(channel_chair)
    assert client.get(_step(handed_over, "close")).status_code == 404


def test_the_summary_card_shows_the_channel_stage_by_its_label(client, triage_officer, channel_case, channel_chair):
    take(channel_case, "adopt", channel_chair)
    client.force_login(triage_officer)
    page = client.get(reverse("referrals:referral-detail", args=[channel_case.referral.reference]))
    assert "Adopted, awaiting consent" in page.content.decode()
    assert "awaiting_consent" not in page.content.decode().replace('value="awaiting_consent"', "")


def test_people_read_labels_never_codes_on_the_channel_pages(client, channel_chair, prevent_lead, channel_case):
    from tests.visible_text import assert_no_codes

    take(channel_case, "adopt", channel_chair)
    take(channel_case, "record_consent_refused", channel_chair)
    take(channel_case, "relist", channel_chair)
    client.force_login(channel_chair)
    referral = channel_case.referral
    assert_no_codes(client.get(_section(referral)).content.decode())
    assert_no_codes(
        client.get(reverse("referrals:referral-section", args=[referral.reference, "history"])).content.decode()
    )
    assert_no_codes(client.get(reverse("referrals:referral-detail", args=[referral.reference])).content.decode())
    assert_no_codes(client.post(_step(referral, "withdraw"), {"shown_state": "listed"}).content.decode())
    client.force_login(prevent_lead)
    client.post(
        _step(referral, "withdraw"), {"reason_code": "POLICE_LED", "note": "Police-led now.", "shown_state": "listed"}
    )
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.CLOSED
    history = client.get(reverse("referrals:referral-section", args=[referral.reference, "history"])).content.decode()
    assert "Withdrawn from Channel" in history
    assert "Taken on as a police-led case" in history
    assert_no_codes(history)


@pytest.fixture
def far_chair(make_user, other_local_authority):
    from accounts.models import Role

    return make_user(other_local_authority, Role.CHANNEL_CHAIR, prefix="far-")


@pytest.fixture
def not_yet(referrer, triage_officer):
    return information_gathering_referral(user=referrer, screener=triage_officer)


def test_the_chair_finds_the_council_s_channel_cases_from_the_home_page(
    client, channel_chair, channel_case, far_chair, not_yet
):
    from tests.visible_text import assert_no_codes

    take(channel_case, "adopt", channel_chair)
    client.force_login(channel_chair)
    home = client.get(reverse("home")).content.decode()
    assert reverse("channel:case-list") in home
    page = client.get(reverse("channel:case-list"))
    body = page.content.decode()
    assert channel_case.referral.reference in body
    assert _section(channel_case.referral) in body
    assert "Adopted, awaiting consent" in body
    assert not_yet.reference not in body
    assert_no_codes(body)
    client.force_login(far_chair)
    assert channel_case.referral.reference not in client.get(reverse("channel:case-list")).content.decode()
    client.force_login(not_yet.created_by)  # a referrer
    assert client.get(reverse("channel:case-list")).status_code == 403
