from __future__ import annotations

import pytest
from django.http import Http404

from audit.models import AuditEvent
from referrals import selectors, services
from referrals.choices import ReferralStatus

from .factories import draft_referral, submitted_referral

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role_fixture", "sees"),
    [
        ("triage_officer", True),
        ("police_prevent_officer", True),
        ("prevent_lead", True),
        ("referrer", False),
        ("channel_chair", False),
        ("panel_member", False),
        ("partner_contributor", False),
        ("intervention_provider", False),
        ("auditor", False),
        ("superuser", False),
        ("other_triage_officer", False),
        ("other_prevent_lead", False),
    ],
)
def test_visibility_is_own_authority_reading_roles_only(request, referrer, role_fixture, sees):
    referral = submitted_referral(user=referrer)
    user = request.getfixturevalue(role_fixture)
    assert (referral in selectors.referral_list_visible(user=user)) is sees
    if sees:
        assert selectors.referral_get(user=user, reference=referral.reference) == referral
    else:
        with pytest.raises(Http404):
            selectors.referral_get(user=user, reference=referral.reference)


def test_drafts_are_invisible_to_staff(referrer, triage_officer):
    draft_referral(user=referrer)
    assert not selectors.referral_list_visible(user=triage_officer).exists()


def test_reading_records_a_content_read(referrer, triage_officer):
    referral = submitted_referral(user=referrer)
    selectors.referral_get_for_reading(user=triage_officer, reference=referral.reference)
    event = AuditEvent.objects.get(action="CASE_CONTENT_READ", case_reference=referral.reference)
    assert event.actor_id == triage_officer.pk


def test_referrer_sees_own_receipts_only(referrer, make_user, local_authority):
    mine = submitted_referral(user=referrer)
    someone = make_user(local_authority, "referrer", prefix="second-")
    theirs = submitted_referral(user=someone)
    assert list(selectors.referral_list_for_referrer(user=referrer)) == [mine]
    assert selectors.referral_receipt_get(user=referrer, reference=mine.reference).status == ReferralStatus.SUBMITTED
    with pytest.raises(Http404):
        selectors.referral_receipt_get(user=referrer, reference=theirs.reference)
    with pytest.raises(Http404):
        selectors.referral_draft_get(user=someone, draft_id=draft_referral(user=referrer).pk)


def test_the_timeline_lists_what_was_done_newest_first(referrer, triage_officer):
    referral = submitted_referral(user=referrer)
    services.referral_start_screening(referral=referral, actor=triage_officer)
    titles = [entry["title"] for entry in selectors.referral_timeline(referral=referral)]
    assert titles == ["Screening started", "Referral sent", "Referral drafted"]


def test_the_timeline_says_a_panel_members_access_ended_with_their_meeting(with_channel, triage_officer, panel_member):
    from referrals.choices import GrantReason

    services.case_grant_create(
        referral=with_channel, grantee=panel_member, actor=triage_officer, days=7, reason_code=GrantReason.PANEL_MEETING
    )
    assert services.case_grant_window_end(
        referral=with_channel, grantee=panel_member, actor=None, reason_code=GrantReason.PANEL_MEETING
    )
    latest = selectors.referral_timeline(referral=with_channel)[0]
    assert latest["title"] == "Access ended: the case is no longer on a meeting of their panel"
    assert latest["description"] == f"Access of {panel_member.email}."
