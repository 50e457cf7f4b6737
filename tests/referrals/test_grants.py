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


# --- Grants follow their reason (ACCESS.md): a change of role or council, or a deactivation, ends them.


def _ended_for(grant, reason):
    """The grant row is gone and its end is audited against the case with the reason."""
    assert not ReferralUserObjectPermission.objects.filter(pk=grant.pk).exists()
    event = AuditEvent.objects.filter(action="CASE_ACCESS_REVOKED", details__grant_id=grant.pk).get()
    assert event.reason_code == reason
    assert event.details == {"grantee_id": grant.user_id, "grant_id": grant.pk, "via": "holder_changed"}
    assert event.case_reference == grant.content_object.reference
    return event


def test_a_panel_members_grant_ends_and_is_audited_when_their_role_changes(
    with_channel, triage_officer, panel_member, prevent_lead
):
    from accounts.services import user_role_change

    grant = _grant(with_channel, panel_member, triage_officer)
    user_role_change(actor=prevent_lead, user=panel_member, role=Role.PARTNER_CONTRIBUTOR)
    event = _ended_for(grant, "ROLE_CHANGED")
    assert event.actor_id == prevent_lead.pk
    panel_member.refresh_from_db()
    assert not _visible(panel_member, with_channel)


def test_a_grant_outlives_no_role_change_even_back_to_the_same_role(
    with_channel, triage_officer, panel_member, prevent_lead
):
    """A new grant is needed after the holder comes back to a grantee role: the old one does not return."""
    from accounts.services import user_role_change

    grant = _grant(with_channel, panel_member, triage_officer)
    user_role_change(actor=prevent_lead, user=panel_member, role=Role.REFERRER)
    user_role_change(actor=prevent_lead, user=panel_member, role=Role.PANEL_MEMBER)
    _ended_for(grant, "ROLE_CHANGED")
    panel_member.refresh_from_db()
    assert not _visible(panel_member, with_channel)


def test_saving_the_same_role_again_keeps_the_grant(with_channel, triage_officer, panel_member, prevent_lead):
    from accounts.services import user_role_change

    grant = _grant(with_channel, panel_member, triage_officer)
    user_role_change(actor=prevent_lead, user=panel_member, role=Role.PANEL_MEMBER)
    assert ReferralUserObjectPermission.objects.filter(pk=grant.pk).exists()
    assert _visible(panel_member, with_channel)


def test_a_panel_members_grant_ends_and_is_audited_when_their_council_changes(
    with_channel, triage_officer, panel_member, superuser, other_local_authority
):
    from accounts.services import user_role_change

    grant = _grant(with_channel, panel_member, triage_officer)
    user_role_change(actor=superuser, user=panel_member, role=Role.PANEL_MEMBER, local_authority=other_local_authority)
    _ended_for(grant, "AUTHORITY_CHANGED")
    moved = AuditEvent.objects.get(action="USER_ROLE_CHANGED")
    assert moved.local_authority_id == with_channel.local_authority_id  # in the log of the council left
    assert moved.details["local_authority_id"] == other_local_authority.pk
    panel_member.refresh_from_db()
    assert panel_member.local_authority_id == other_local_authority.pk
    assert not _visible(panel_member, with_channel)


def test_only_an_operator_moves_a_user_between_councils(
    with_channel, triage_officer, panel_member, prevent_lead, other_local_authority
):
    from accounts.exceptions import UserChangeRefused
    from accounts.services import user_role_change

    grant = _grant(with_channel, panel_member, triage_officer)
    with pytest.raises(UserChangeRefused):
        user_role_change(
            actor=prevent_lead, user=panel_member, role=Role.PANEL_MEMBER, local_authority=other_local_authority
        )
    assert AuditEvent.objects.filter(action="USER_CHANGE_REFUSED", outcome="refused", actor_id=prevent_lead.pk)
    assert ReferralUserObjectPermission.objects.filter(pk=grant.pk).exists()


def test_a_panel_members_grant_ends_and_is_audited_when_their_account_is_deactivated(
    with_channel, triage_officer, panel_member, prevent_lead
):
    from accounts.services import user_deactivate

    grant = _grant(with_channel, panel_member, triage_officer)
    user_deactivate(actor=prevent_lead, user=panel_member)
    _ended_for(grant, "ACCOUNT_DEACTIVATED")


def test_a_break_glass_grant_ends_when_its_lead_is_no_longer_a_prevent_lead(
    submitted, other_prevent_lead, other_local_authority, make_user
):
    from accounts.services import user_role_change

    grant = services.case_break_glass(
        referral=submitted, actor=other_prevent_lead, reason_code="IMMEDIATE_RISK", confirmed=True
    )
    second_lead = make_user(other_local_authority, Role.PREVENT_LEAD, "second-")
    user_role_change(actor=second_lead, user=other_prevent_lead, role=Role.TRIAGE_OFFICER)
    event = _ended_for(grant, "ROLE_CHANGED")
    assert event.local_authority_id == submitted.local_authority_id  # in the log of the case's council


def test_a_surviving_break_glass_row_opens_nothing_once_its_holder_is_not_a_prevent_lead(
    with_channel, other_prevent_lead
):
    """Second lock, in the selector: even if the row outlived the change (no service ran), it opens nothing."""
    from accounts.models import Membership

    services.case_break_glass(
        referral=with_channel, actor=other_prevent_lead, reason_code="IMMEDIATE_RISK", confirmed=True
    )
    assert _visible(other_prevent_lead, with_channel)
    Membership.objects.filter(user=other_prevent_lead).update(role=Role.PANEL_MEMBER)
    other_prevent_lead.refresh_from_db()
    assert ReferralUserObjectPermission.objects.filter(user=other_prevent_lead, break_glass=True).exists()
    assert not _visible(other_prevent_lead, with_channel)


def test_a_surviving_panel_grant_opens_nothing_once_its_holder_is_in_another_council(
    with_channel, triage_officer, panel_member, other_local_authority
):
    from accounts.models import Membership

    _grant(with_channel, panel_member, triage_officer)
    Membership.objects.filter(user=panel_member).update(local_authority=other_local_authority)
    panel_member.refresh_from_db()
    assert not _visible(panel_member, with_channel)


def test_a_surviving_panel_grant_opens_nothing_once_its_holder_becomes_a_prevent_lead(
    with_channel, triage_officer, panel_member, other_local_authority
):
    """A panel member's grant is not a break-glass grant: made a lead elsewhere, it must not open the case."""
    from accounts.models import Membership

    _grant(with_channel, panel_member, triage_officer)
    Membership.objects.filter(user=panel_member).update(local_authority=other_local_authority, role=Role.PREVENT_LEAD)
    panel_member.refresh_from_db()
    assert not _visible(panel_member, with_channel)


def test_a_surviving_grant_of_a_deactivated_account_opens_nothing(with_channel, triage_officer, panel_member):
    from accounts.models import User

    _grant(with_channel, panel_member, triage_officer)
    User.objects.filter(pk=panel_member.pk).update(is_active=False)
    panel_member.refresh_from_db()
    assert not _visible(panel_member, with_channel)
