"""Per-case grants and break-glass: the only writers of ReferralUserObjectPermission (STYLE.md section 4).

STYLE.md places grant services in `accounts`, but `accounts` sits below `referrals` and must not import
it (tests/architecture/test_layering.py), while a grant is a row about one referral: so they live here.
Each is one transaction with its audit event. Rows are django-guardian's direct foreign-key permission
rows, so guardian's `has_perm` sees them; guardian's `assign_perm` cannot fill `expires_at`, `granted_by`
and `reason_code`, so the row is written here and removed with guardian's `remove_perm`.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import remove_perm

from accounts.models import Role, User
from audit import services as audit
from audit.actions import AuditAction
from referrals import permissions
from referrals.choices import BreakGlassReason, GrantEndReason, GrantReason
from referrals.exceptions import GrantRefused, ReferralInvalid
from referrals.models import Referral, ReferralUserObjectPermission

logger = logging.getLogger(__name__)

VIEW_PERMISSION = "view_referral"


def _view_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="referrals", codename=VIEW_PERMISSION)


def _refuse(*, actor: Any, action: str, referral: Referral, change: str) -> None:
    """Record the refusal (committed on its own) and raise."""
    audit.record_refusal(actor=actor, action=action, target=referral)
    raise GrantRefused(change)


def _grant_errors(*, referral: Referral, grantee: Any, actor: Any, days: Any, reason_code: str) -> dict:
    errors: dict[str, list[str]] = {}
    if (
        not isinstance(grantee, User)
        or not grantee.has_role(*permissions.GRANTEE_ROLES)
        or grantee.local_authority_id != referral.local_authority_id
        or grantee.pk == actor.pk
    ):
        errors["grantee"] = ["Select a Channel panel member of this authority"]
    elif not permissions.grant_may_open(referral, grantee.role):
        errors["grantee"] = ["A panel member can be given access only once the case is with the Channel panel"]
    maximum = settings.CASE_GRANT_MAX_DAYS
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= maximum:
        errors["days"] = [f"Enter a number of days between 1 and {maximum}"]
    if reason_code not in GrantReason.values:
        errors["reason_code"] = ["Select why this person needs access"]
    return errors


def _write_grant(
    *, referral: Referral, grantee: User, actor: Any, hours: int, reason_code: str, break_glass: bool
) -> ReferralUserObjectPermission:
    grant, _ = ReferralUserObjectPermission.objects.update_or_create(
        user=grantee,
        permission=_view_permission(),
        content_object=referral,
        defaults={
            "expires_at": timezone.now() + datetime.timedelta(hours=hours),
            "granted_by": actor,
            "reason_code": reason_code,
            "break_glass": break_glass,
            "created_at": timezone.now(),
        },
    )
    return grant


def case_grant_create(
    *, referral: Referral, grantee: Any, actor: Any, days: int, reason_code: str
) -> ReferralUserObjectPermission:
    """Give one user of the case's authority read access to one case for 1 to CASE_GRANT_MAX_DAYS days.

    A second grant to the same user replaces the first (new expiry). Raises GrantRefused (audited) if the
    actor may not manage the case's grants, ReferralInvalid for a wrong grantee, length or reason.
    """
    if not permissions.can_manage_grants(referral, actor):
        _refuse(actor=actor, action=AuditAction.CASE_ACCESS_GRANTED, referral=referral, change="grant")
    errors = _grant_errors(referral=referral, grantee=grantee, actor=actor, days=days, reason_code=reason_code)
    if errors:
        raise ReferralInvalid(errors)
    with transaction.atomic():
        grant = _write_grant(
            referral=referral, grantee=grantee, actor=actor, hours=days * 24, reason_code=reason_code, break_glass=False
        )
        audit.record(
            actor=actor,
            action=AuditAction.CASE_ACCESS_GRANTED,
            target=referral,
            reason_code=reason_code,
            details={"grantee_id": grantee.pk, "hours": days * 24, "grant_id": grant.pk, "break_glass": False},
        )
    return grant


def case_grant_revoke(*, grant: ReferralUserObjectPermission, actor: Any) -> None:
    """End a grant now (triage officer or Prevent lead of the case's authority), with guardian's remove_perm."""
    referral = grant.content_object
    if not permissions.can_manage_grants(referral, actor):
        _refuse(actor=actor, action=AuditAction.CASE_ACCESS_REVOKED, referral=referral, change="revoke")
    with transaction.atomic():
        remove_perm(VIEW_PERMISSION, grant.user, referral)
        audit.record(
            actor=actor,
            action=AuditAction.CASE_ACCESS_REVOKED,
            target=referral,
            details={"grantee_id": grant.user_id, "grant_id": grant.pk, "via": "revoked"},
        )


def case_grant_window_set(
    *,
    referral: Referral,
    grantee: User,
    actor: Any,
    granted_by: User,
    reason_code: str,
    starts_at: datetime.datetime,
    expires_at: datetime.datetime,
) -> ReferralUserObjectPermission | None:
    """Open one case to one grantee for a window set by another app's rule (a Channel panel meeting: from
    PANEL_GRANT_DAYS_BEFORE days before the meeting to PANEL_GRANT_DAYS_AFTER days after it), in the
    caller's transaction, audited when it changes. A grant of another reason is left as it is; a grantee
    who may not hold one (another role or council) gets none (None)."""
    if not grantee.has_role(*permissions.GRANTEE_ROLES) or grantee.local_authority_id != referral.local_authority_id:
        return None
    existing = ReferralUserObjectPermission.objects.filter(
        user=grantee, permission=_view_permission(), content_object=referral
    ).first()
    if existing is not None and existing.reason_code != reason_code:
        return existing
    if existing is not None and (existing.starts_at, existing.expires_at) == (starts_at, expires_at):
        return existing
    grant, _ = ReferralUserObjectPermission.objects.update_or_create(
        user=grantee,
        permission=_view_permission(),
        content_object=referral,
        defaults={
            "starts_at": starts_at,
            "expires_at": expires_at,
            "granted_by": granted_by,
            "reason_code": reason_code,
            "break_glass": False,
            "created_at": timezone.now(),
        },
    )
    hours = int((expires_at - starts_at).total_seconds() // 3600)
    audit.record(
        actor=actor,
        action=AuditAction.CASE_ACCESS_GRANTED,
        target=referral,
        reason_code=reason_code,
        details={"grantee_id": grantee.pk, "hours": hours, "grant_id": grant.pk, "break_glass": False},
    )
    return grant


def case_grant_window_end(*, referral: Referral, grantee: User, actor: Any, reason_code: str) -> bool:
    """End the grantee's grant of that reason on the case now (its window no longer applies), audited, in
    the caller's transaction; a grant of another reason is left as it is. True if one ended."""
    grant = ReferralUserObjectPermission.objects.filter(
        user=grantee, content_object=referral, reason_code=reason_code, break_glass=False
    ).first()
    if grant is None:
        return False
    grant_id = grant.pk
    grant.delete()
    audit.record(
        actor=actor,
        action=AuditAction.CASE_ACCESS_REVOKED,
        target=referral,
        details={"grantee_id": grantee.pk, "grant_id": grant_id, "via": "window_ended"},
    )
    return True


def case_grants_remove_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete every grant past its expiry, one audited removal each (the selectors ignore them already)."""
    now = now or timezone.now()
    removed = 0
    expired = ReferralUserObjectPermission.objects.filter(expires_at__lte=now).select_related("content_object")
    for grant in expired.iterator():
        with transaction.atomic():
            deleted, _ = ReferralUserObjectPermission.objects.filter(pk=grant.pk, expires_at__lte=now).delete()
            if not deleted:
                continue
            audit.record(
                actor=None,
                action=AuditAction.CASE_ACCESS_REVOKED,
                target=grant.content_object,
                details={"grantee_id": grant.user_id, "grant_id": grant.pk, "via": "expiry"},
            )
        removed += 1
    return removed


def case_grants_end_for_holder(*, holder: User, actor: Any, reason_code: str) -> int:
    """End every grant the user holds, each an audited revocation with the reason (ACCESS.md "Grants follow
    their reason": a grant was given to a role in a council; a new role or council, or a deactivated account,
    no longer has that reason). Called by referrals.receivers inside the accounts service's transaction."""
    if reason_code not in GrantEndReason.values:
        raise ValueError(f"Unknown grant end reason: {reason_code}")
    ended = 0
    with transaction.atomic():
        held = ReferralUserObjectPermission.objects.filter(user=holder).select_related("content_object")
        for grant in held.select_for_update(of=("self",)).order_by("pk"):
            grant_id = grant.pk
            grant.delete()
            audit.record(
                actor=actor,
                action=AuditAction.CASE_ACCESS_REVOKED,
                target=grant.content_object,
                reason_code=reason_code,
                details={"grantee_id": holder.pk, "grant_id": grant_id, "via": "holder_changed"},
            )
            ended += 1
    return ended


def _auditor_emails(referral: Referral) -> list[str]:
    return list(
        User.objects.filter(
            is_active=True,
            membership_record__role=Role.AUDITOR,
            membership_record__local_authority_id=referral.local_authority_id,
        ).values_list("email", flat=True)
    )


def _notify_auditors(*, reference: str, recipients: list[str]) -> None:
    """Reference and a link only; a mail failure never undoes the grant (the audit event is the record)."""
    link = settings.SERVICE_BASE_URL.rstrip("/") + reverse("audit:case-access", args=[reference])
    try:
        send_mail(
            subject=f"Break-glass access to case {reference}",
            message=(
                f"A Prevent lead of another local authority used break-glass access to case {reference}.\n"
                f"The reason and the person are in the case's access report: {link}"
            ),
            from_email=None,
            recipient_list=recipients,
        )
    except Exception:
        logger.exception("Break-glass e-mail for case %s failed", reference)


def case_break_glass(
    *, referral: Referral, actor: Any, reason_code: str, confirmed: bool
) -> ReferralUserObjectPermission:
    """A Prevent lead opens another authority's case: a short grant, a flagged event, the auditors e-mailed."""
    if not permissions.can_break_glass(referral, actor):
        _refuse(actor=actor, action=AuditAction.CASE_BREAK_GLASS, referral=referral, change="break_glass")
    errors: dict[str, list[str]] = {}
    if reason_code not in BreakGlassReason.values:
        errors["reason_code"] = ["Select why you need to open this case"]
    if not confirmed:
        errors["confirm"] = ["Confirm that you understand this access is recorded and reported"]
    if errors:
        raise ReferralInvalid(errors)
    hours = settings.BREAK_GLASS_GRANT_HOURS
    recipients = _auditor_emails(referral)
    with transaction.atomic():
        grant = _write_grant(
            referral=referral, grantee=actor, actor=actor, hours=hours, reason_code=reason_code, break_glass=True
        )
        audit.record(
            actor=actor,
            action=AuditAction.CASE_BREAK_GLASS,
            target=referral,
            reason_code=reason_code,
            details={"grantee_id": actor.pk, "grant_id": grant.pk, "hours": hours, "break_glass": True},
        )
        reference = referral.reference
        if recipients:
            transaction.on_commit(lambda: _notify_auditors(reference=reference, recipients=recipients))
    return grant
