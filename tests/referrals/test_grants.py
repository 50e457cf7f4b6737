"""Per-case grants and break-glass: services, the visibility selector and the expiry task."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEvent
from referrals import services
from referrals.exceptions import GrantRefused, ReferralInvalid
from referrals.models import ReferralUserObjectPermission
from referrals.selectors import referral_list_visible
from referrals.tasks import case_grants_remove_expired

pytestmark = pytest.mark.django_db


def _grant(referral, grantee, actor, days=3, reason="PANEL_MEETING"):
    return services.case_grant_create(referral=referral, grantee=grantee, actor=actor, days=days, reason_code=reason)


def _visible(user, referral) -> bool:
    return referral_list_visible(user=user).filter(pk=referral.pk).exists()


def test_a_grant_makes_one_case_visible_to_a_panel_member(
    with_channel, referrer, triage_officer, panel_member, assert_audited
):
    submitted = with_channel
    other_case = services.referral_submit(
        referral=services.referral_draft_save(
            referral=services.referral_draft_create(actor=referrer),
            actor=referrer,
            answers=services.referral_answers(submitted),
        ),
        actor=referrer,
    )
    assert not _visible(panel_member, submitted)
    grant = _grant(submitted, panel_member, triage_officer, days=5)
    assert _visible(panel_member, submitted)
    assert not _visible(panel_member, other_case)
    assert grant.granted_by == triage_officer
    assert grant.reason_code == "PANEL_MEETING"
    assert abs(grant.expires_at - (timezone.now() + datetime.timedelta(days=5))) < datetime.timedelta(minutes=1)
    # guardian's own check sees the direct foreign-key row
    assert panel_member.has_perm("referrals.view_referral", submitted)
    assert_audited("CASE_ACCESS_GRANTED", submitted, grantee_id=panel_member.pk, hours=120, grant_id=grant.pk)


def test_an_expired_grant_is_ignored_before_the_task_runs(with_channel, triage_officer, panel_member):
    grant = _grant(with_channel, panel_member, triage_officer)
    ReferralUserObjectPermission.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - datetime.timedelta(1))
    assert ReferralUserObjectPermission.objects.filter(pk=grant.pk).exists()
    assert not _visible(panel_member, with_channel)


def test_the_expiry_task_removes_expired_grants_only_and_audits_each(
    with_channel, triage_officer, panel_member, make_user, *, local_authority, assert_audited
):
    submitted = with_channel
    second_member = make_user(local_authority, Role.PANEL_MEMBER, prefix="second-")
    expired = _grant(submitted, panel_member, triage_officer)
    current = _grant(submitted, second_member, triage_officer)
    ReferralUserObjectPermission.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    assert case_grants_remove_expired.delay().get() == 1
    assert list(ReferralUserObjectPermission.objects.values_list("pk", flat=True)) == [current.pk]
    assert_audited("CASE_ACCESS_REVOKED", submitted, grant_id=expired.pk, via="expiry")
    assert "case-grants-remove-expired" in settings.CELERY_BEAT_SCHEDULE


def test_revoke_ends_access_and_is_audited(with_channel, prevent_lead, triage_officer, panel_member, assert_audited):
    submitted = with_channel
    grant = _grant(submitted, panel_member, prevent_lead)
    assert _visible(panel_member, submitted)
    services.case_grant_revoke(grant=grant, actor=triage_officer)
    assert not _visible(panel_member, submitted)
    assert not ReferralUserObjectPermission.objects.exists()
    assert_audited("CASE_ACCESS_REVOKED", submitted, grantee_id=panel_member.pk, via="revoked")


@pytest.mark.parametrize(
    "actor_fixture", ["police_prevent_officer", "channel_chair", "other_triage_officer", "panel_member"]
)
def test_only_triage_and_the_lead_of_the_case_authority_grant(request, with_channel, make_user, actor_fixture):
    actor = request.getfixturevalue(actor_fixture)
    grantee = make_user(with_channel.local_authority, Role.PANEL_MEMBER, prefix="grantee-")
    with pytest.raises(GrantRefused):
        _grant(with_channel, grantee, actor)
    assert not ReferralUserObjectPermission.objects.exists()
    assert AuditEvent.objects.filter(action="CASE_ACCESS_GRANTED", outcome="refused", actor_id=actor.pk).exists()


@pytest.mark.parametrize(
    ("days", "reason", "field"),
    [(0, "PANEL_MEETING", "days"), (31, "PANEL_MEETING", "days"), (3, "NOPE", "reason_code")],
)
def test_grant_length_and_reason_are_bounded(with_channel, triage_officer, panel_member, *, days, reason, field):
    with pytest.raises(ReferralInvalid) as caught:
        _grant(with_channel, panel_member, triage_officer, days=days, reason=reason)
    assert list(caught.value.errors) == [field]


def test_grants_go_only_to_panel_members_of_the_same_authority(
    with_channel, triage_officer, police_prevent_officer, partner_contributor, *, make_user, other_local_authority
):
    foreign_panel_member = make_user(other_local_authority, Role.PANEL_MEMBER, prefix="other-")
    for grantee in (police_prevent_officer, foreign_panel_member, triage_officer, partner_contributor):
        with pytest.raises(ReferralInvalid) as caught:
            _grant(with_channel, grantee, triage_officer)
        assert caught.value.errors["grantee"] == ["Select a Channel panel member of this authority"]
    assert not ReferralUserObjectPermission.objects.exists()


def test_a_panel_member_is_given_a_case_only_once_it_is_with_channel(submitted, triage_officer, panel_member):
    with pytest.raises(ReferralInvalid) as caught:
        _grant(submitted, panel_member, triage_officer)
    assert caught.value.errors["grantee"] == [
        "A panel member can be given access only once the case is with the Channel panel"
    ]
    assert not ReferralUserObjectPermission.objects.exists()


def test_a_grant_row_opens_a_case_to_a_panel_member_only_while_it_is_with_channel(
    referrer, triage_officer, panel_member, partner_contributor
):
    """ACCESS.md: a panel member reads a case only with Channel; a partner contributor never reads a case."""
    from .factories import grant_row, information_gathering_referral, screening_referral, submitted_referral

    stages = {
        "submitted": submitted_referral(user=referrer),
        "screening": screening_referral(user=referrer, screener=triage_officer),
        "information_gathering": information_gathering_referral(user=referrer, screener=triage_officer),
    }
    stages["with_channel"] = services.referral_refer_to_channel(
        referral=information_gathering_referral(user=referrer, screener=triage_officer), actor=triage_officer
    )
    for referral in stages.values():
        grant_row(referral, panel_member, granted_by=triage_officer, expires_in=datetime.timedelta(days=1))
        grant_row(referral, partner_contributor, granted_by=triage_officer, expires_in=datetime.timedelta(days=1))
    seen_by_panel = {name for name, referral in stages.items() if _visible(panel_member, referral)}
    assert seen_by_panel == {"with_channel"}
    assert referral_list_visible(user=partner_contributor).count() == 0


def test_a_grant_row_held_by_a_role_that_may_not_hold_grants_gives_nothing(with_channel, triage_officer, panel_member):
    from accounts.models import Membership

    submitted = with_channel
    _grant(submitted, panel_member, triage_officer)
    assert _visible(panel_member, submitted)
    Membership.objects.filter(user=panel_member).update(role=Role.REFERRER)
    panel_member.refresh_from_db()
    assert not _visible(panel_member, submitted)


def test_break_glass_gives_a_short_grant_a_flagged_event_and_mails_the_case_authority_auditors(
    submitted, other_prevent_lead, auditor, other_auditor, *, assert_audited, django_capture_on_commit_callbacks
):
    assert not _visible(other_prevent_lead, submitted)
    with django_capture_on_commit_callbacks(execute=True):
        grant = services.case_break_glass(
            referral=submitted, actor=other_prevent_lead, reason_code="IMMEDIATE_RISK", confirmed=True
        )
    assert _visible(other_prevent_lead, submitted)
    assert grant.break_glass
    hours = settings.BREAK_GLASS_GRANT_HOURS
    assert grant.expires_at <= timezone.now() + datetime.timedelta(hours=hours)
    event = assert_audited("CASE_BREAK_GLASS", submitted, hours=hours, break_glass=True)
    assert event.reason_code == "IMMEDIATE_RISK"
    assert event.local_authority_id == submitted.local_authority_id
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [auditor.email]
    assert submitted.reference in message.subject
    assert "Alex" not in message.body
    assert "Example" not in message.body
    assert other_prevent_lead.email not in message.body


def test_break_glass_needs_a_reason_and_confirmation(submitted, other_prevent_lead):
    with pytest.raises(ReferralInvalid) as caught:
        services.case_break_glass(referral=submitted, actor=other_prevent_lead, reason_code="", confirmed=False)
    assert set(caught.value.errors) == {"reason_code", "confirm"}
    assert not ReferralUserObjectPermission.objects.exists()


@pytest.mark.parametrize("actor_fixture", ["prevent_lead", "other_triage_officer", "other_auditor"])
def test_break_glass_only_for_a_lead_of_another_authority(request, submitted, actor_fixture):
    actor = request.getfixturevalue(actor_fixture)
    with pytest.raises(GrantRefused):
        services.case_break_glass(referral=submitted, actor=actor, reason_code="IMMEDIATE_RISK", confirmed=True)
    assert AuditEvent.objects.filter(action="CASE_BREAK_GLASS", outcome="refused", actor_id=actor.pk).exists()
