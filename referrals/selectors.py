"""Every read of referral data, filtered by what the user may see (STYLE.md section 4)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import LocalAuthority, Role, User
from audit import services as audit
from audit.actions import ACTIONS, AuditAction
from audit.models import AuditEvent
from audit.selectors import AccessReport, access_report_build
from encryption.storage import encrypted_file_open

from .choices import ReferralStatus
from .models import Referral, ReferralAttachment, ReferralUserObjectPermission
from .permissions import (
    CASE_READER_ROLES,
    GRANT_HOLDER_ROLES,
    GRANT_STAGES,
    GRANTEE_ROLES,
    can_break_glass,
    can_see_repeat_councils,
)
from .sections import DEFAULT_SECTION, history_phrase, section_get

_QUEUE_FIELDS = ("id", "reference", "status", "submitted_at", "created_at", "local_authority_id", "created_by_id")


def referral_list_visible(*, user: Any) -> QuerySet[Referral]:
    """The one definition of "may see the case", once submitted: a reading role in the case's own authority,
    OR an unexpired grant row for this user and this case, held by a role that may hold grants, at a stage
    where that role's grant opens the case (a panel member: with Channel; ACCESS.md).

    The window is checked here, not by guardian: between two sweeps of the expiry task an expired row
    still exists, and a row may open later than it was written (`starts_at`: a panel meeting's grant
    window); guardian's has_perm would honour both.
    """
    if not getattr(user, "is_authenticated", False):
        return Referral.objects.none()
    visible = Q()
    if user.has_role(*CASE_READER_ROLES):
        visible |= Q(local_authority_id=user.local_authority_id)
    if user.has_role(Role.CHANNEL_CHAIR):  # the stages of permissions.chair_may_read
        visible |= Q(local_authority_id=user.local_authority_id) & (
            Q(status=ReferralStatus.WITH_CHANNEL)
            | Q(
                status__in=(ReferralStatus.CLOSED, ReferralStatus.TRANSFERRING),
                referred_to_channel_at__isnull=False,
            )
        )
    if user.has_role(*GRANT_HOLDER_ROLES):  # has_role is False for a deactivated account: its grants give nothing
        now = timezone.now()
        granted = ReferralUserObjectPermission.objects.filter(
            Q(starts_at__isnull=True) | Q(starts_at__lte=now), user=user, expires_at__gt=now
        )
        visible |= _granted(user=user, granted=granted)
    if not visible:
        return Referral.objects.none()
    return Referral.objects.filter(visible).exclude(status=ReferralStatus.DRAFT)


def _granted(*, user: Any, granted: QuerySet[ReferralUserObjectPermission]) -> Q:
    """The cases the user's grant rows open while the grant's reason still holds (ACCESS.md "Grants follow
    their reason"): a break-glass grant only while its holder is a Prevent lead; any other grant only while
    its holder still has a grantee role in the case's authority, and at a stage where that role's grant
    opens the case. The grant services end such grants when the holder changes; this is the second lock,
    so a row that survived (a missed signal, a direct database change) still opens nothing."""
    opened = Q()
    if user.has_role(Role.PREVENT_LEAD):
        opened |= Q(pk__in=granted.filter(break_glass=True).values("content_object_id"))
    if user.has_role(*GRANTEE_ROLES):
        stages = GRANT_STAGES.get(user.role)  # a panel member's grant opens a case only while it is with Channel
        opened |= Q(
            pk__in=granted.filter(break_glass=False).values("content_object_id"),
            local_authority_id=user.local_authority_id,
            **({"status__in": stages} if stages else {}),
        )
    return opened


def referral_is_visible(*, user: Any, reference: str) -> bool:
    return referral_list_visible(user=user).filter(reference=reference).exists()


def referral_get(*, user: Any, reference: str) -> Referral:
    """The referral if the user may see it; 404 otherwise (missing and forbidden look the same)."""
    return get_object_or_404(referral_list_visible(user=user).select_related("data_key"), reference=reference)


def referral_get_for_reading(*, user: Any, reference: str, section: str = DEFAULT_SECTION) -> Referral:
    """The referral for showing a section of its case page (decrypted content): 404 if the case is not visible
    or has no such section, 403 if this user does not see that section (referrals/sections.py); otherwise the
    read is recorded, with the section, before anything is shown."""
    referral = referral_get(user=user, reference=reference)
    found = section_get(section)
    if found is None:
        raise Http404
    if not found.visible(referral, user):
        raise PermissionDenied
    audit.record_read(actor=user, target=referral, details={"section": section})
    return referral


def referral_list_for_referrer(*, user: Any) -> QuerySet[Referral]:
    """The user's own referrals as receipts: reference, dates, coarse status; drafts to continue."""
    if not getattr(user, "is_authenticated", False):
        return Referral.objects.none()
    return Referral.objects.filter(created_by=user).only(*_QUEUE_FIELDS).order_by("-created_at")


def referral_drafts_for_author(*, user: Any) -> QuerySet[Referral]:
    """The user's own unsent drafts, newest saved first, with their data key to show the first name given.

    Only the author's drafts: the author reads their own unsent work, as on the journey's pages (not
    audited as a case read, like those pages). No other field is decrypted for the list.
    """
    if not getattr(user, "is_authenticated", False):
        return Referral.objects.none()
    return (
        Referral.objects.filter(created_by=user, status=ReferralStatus.DRAFT)
        .select_related("data_key")
        .only(
            "id", "status", "created_at", "updated_at", "created_by_id", "local_authority_id", "given_name", "data_key"
        )
        .order_by("-updated_at")
    )


def referrer_details_from_account(*, user: Any) -> dict[str, str]:
    """The "Your details" answers the account already knows: name, e-mail, organisation and its sector."""
    membership = getattr(user, "membership", None)
    organisation = membership.organisation if membership is not None and membership.organisation_id else None
    return {
        "referrer_name": getattr(user, "display_name", "") or "",
        "referrer_email": getattr(user, "email", "") or "",
        "referrer_organisation": organisation.name if organisation else "",
        "referrer_sector": organisation.sector if organisation else "",
    }


def referral_draft_get(*, user: Any, draft_id: uuid.UUID) -> Referral:
    """The user's own draft (decryptable by its author only); 404 for anyone else or once submitted."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    return get_object_or_404(
        Referral.objects.select_related("data_key"), pk=draft_id, created_by=user, status=ReferralStatus.DRAFT
    )


def referral_own_get(*, user: Any, referral_id: uuid.UUID) -> Referral:
    """The user's own referral, draft or sent, by its id (for the journey's pages); 404 for anyone else."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    return get_object_or_404(Referral.objects.select_related("data_key"), pk=referral_id, created_by=user)


def referral_receipt_get(*, user: Any, reference: str) -> Referral:
    """The user's own submitted referral, for its receipt and coarse status only."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    return get_object_or_404(
        Referral.objects.only(*_QUEUE_FIELDS).exclude(status=ReferralStatus.DRAFT),
        created_by=user,
        reference=reference,
    )


def referral_sent_get(*, user: Any, reference: str) -> Referral:
    """The user's own submitted referral, whole (its key too), for the author's additions; 404 for any other."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    return get_object_or_404(
        Referral.objects.exclude(status=ReferralStatus.DRAFT), created_by=user, reference=reference
    )


@dataclass(frozen=True)
class PossibleRepeats:
    """Other referrals with the same blind person index, split by what the viewer may read.

    `visible`: those the viewer may read (reference and date, for a link). `elsewhere_count`: those
    they may not, as a count only: never their reference, council or dates. `elsewhere_councils`:
    the names of the councils holding those, for the case's own Prevent lead only, who asks them.
    """

    visible: list[Referral] = field(default_factory=list)
    elsewhere_count: int = 0
    elsewhere_councils: list[str] = field(default_factory=list)


def referral_possible_repeats(*, user: Any, referral: Referral) -> PossibleRepeats:
    """Possible repeat referrals of the case's person, over every council (a person moves; ACCESS.md).

    A reference is shown only if the viewer may read that case (`referral_list_visible`); the rest is
    a notice that a referral may exist elsewhere, and showing that notice is recorded here, as a read is.
    """
    if not referral.person_index:
        return PossibleRepeats()
    matches = Referral.objects.filter(person_index=referral.person_index).exclude(pk=referral.pk)
    readable = referral_list_visible(user=user).filter(pk__in=matches.values("pk"))
    visible = list(readable.only(*_QUEUE_FIELDS).order_by("submitted_at"))
    hidden = matches.exclude(status=ReferralStatus.DRAFT).exclude(pk__in=[match.pk for match in visible])
    count = hidden.count()
    if not count:
        return PossibleRepeats(visible=visible)
    councils: list[str] = []
    if can_see_repeat_councils(referral, user):
        holding = LocalAuthority.objects.filter(referrals__in=hidden).distinct().order_by("name")
        councils = list(holding.values_list("name", flat=True))
    audit.record(
        actor=user,
        action=AuditAction.REPEAT_REFERRAL_ELSEWHERE_SHOWN,
        target=referral,
        details={"count": count, "councils_named": len(councils)},
    )
    return PossibleRepeats(visible=visible, elsewhere_count=count, elsewhere_councils=councils)


# Reads and notices shown, not things done to the case: the auditor's pages have them, the history does not.
_NOT_IN_HISTORY = (
    AuditAction.CASE_CONTENT_READ,
    AuditAction.REPEAT_REFERRAL_ELSEWHERE_SHOWN,
    AuditAction.CASE_ACCESS_REPORT_VIEWED,
    AuditAction.ATTACHMENT_DOWNLOADED,
)
# Writing the draft: one history entry however often it was saved.
_DRAFTING = (AuditAction.REFERRAL_CREATED, AuditAction.REFERRAL_DRAFT_SAVED, AuditAction.REFERRAL_ATTACHMENT_ADDED)


def _people(user_ids: set[int]) -> dict[int, str]:
    """How colleagues know each user: their display name, else their e-mail address (never an id)."""
    rows = User.objects.filter(pk__in=user_ids).values_list("pk", "display_name", "email")
    return {pk: display_name or email for pk, display_name, email in rows}


def referral_timeline(*, referral: Referral) -> list[dict[str, Any]]:
    """What happened to the case, newest first, in a caseworker's words: one entry per thing done (not per
    audit row), each {"title", "actor", "description", "occurred_at"}. Reads, notices and refusals are left
    to the auditor's pages; writing the draft is one entry. Other apps phrase their own actions through
    referrals.sections.register_history_phrase; an action nobody phrased reads by its audit label."""
    events = list(
        AuditEvent.objects.filter(Q(target_id=str(referral.pk)) | Q(case_reference=referral.reference or "-"))
        .exclude(action__in=_NOT_IN_HISTORY)
        .exclude(outcome="refused")
        .order_by("sequence")
    )
    mentioned = {event.actor_id for event in events if event.actor_id is not None}
    for event in events:
        mentioned |= {v for k, v in (event.details or {}).items() if k.endswith("_id") and isinstance(v, int)}
    names = _people(mentioned)
    submitted = next((e.sequence for e in events if e.action == AuditAction.REFERRAL_SUBMITTED), None)
    entries: list[dict[str, Any]] = []
    drafting = [e for e in events if e.action in _DRAFTING and (submitted is None or e.sequence < submitted)]
    if any(e.action == AuditAction.REFERRAL_DRAFT_SAVED for e in drafting):
        last = drafting[-1].occurred_at
        entries.append(
            _entry(drafting[0], names, "Referral drafted", f"Last saved {timezone.localtime(last):%-d %B %Y %H:%M}.")
        )
    for event in events:
        if event in drafting:
            continue
        phrase = history_phrase(event.action)
        if phrase is None:
            spec = ACTIONS.get(event.action)
            worded: tuple[str, str] | None = (spec.label if spec else "Something changed", "")
        else:
            worded = phrase(event, names)
        if worded is not None:
            entries.append(_entry(event, names, *worded))
    return entries[::-1]


def _entry(event: AuditEvent, names: dict[int, str], title: str, description: str) -> dict[str, Any]:
    if event.actor_id is None:
        actor = "the service"
    else:
        actor = names.get(event.actor_id, "a former user")
    return {"title": title, "actor": actor, "description": description, "occurred_at": event.occurred_at}


def referral_access_report(*, user: Any, referral: Referral) -> AccessReport:
    """The access report of a case the caller has checked the user may see it for (can_view_access_report):
    the events of the case in its own authority's log. Reading it is itself recorded."""
    audit.record(actor=user, action=AuditAction.CASE_ACCESS_REPORT_VIEWED, target=referral)
    events = AuditEvent.objects.filter(
        case_reference=referral.reference, local_authority_id=referral.local_authority_id
    )
    return access_report_build(events=events)


def referral_attachment_open(*, user: Any, reference: str, attachment_id: uuid.UUID) -> tuple[ReferralAttachment, Any]:
    """An attachment of a visible case, opened for download; the download is recorded first."""
    referral = referral_get(user=user, reference=reference)
    attachment = get_object_or_404(ReferralAttachment, referral=referral, pk=attachment_id)
    attachment.referral = referral
    audit.record(
        actor=user,
        action=AuditAction.ATTACHMENT_DOWNLOADED,
        target=referral,
        details={"attachment_id": attachment.pk},
    )
    return attachment, encrypted_file_open(data_key=referral.data_key, ref=attachment.file_ref)


def referral_get_for_break_glass(*, user: Any, reference: str) -> Referral:
    """Another authority's submitted case, for a Prevent lead's break-glass page only; 404 for anyone else."""
    referral = get_object_or_404(
        Referral.objects.only(*_QUEUE_FIELDS).exclude(status=ReferralStatus.DRAFT), reference=reference
    )
    if not can_break_glass(referral, user):
        raise Http404
    return referral


def case_grant_list_current(*, referral: Referral) -> QuerySet[ReferralUserObjectPermission]:
    """The case's unexpired grants, soonest expiry first (for the grant page of a visible case)."""
    return (
        ReferralUserObjectPermission.objects.filter(content_object=referral, expires_at__gt=timezone.now())
        .select_related("user", "granted_by")
        .order_by("expires_at")
    )


def case_grant_get(*, referral: Referral, grant_id: int) -> ReferralUserObjectPermission:
    """One current grant of a case already fetched through the visibility selector; 404 otherwise."""
    return get_object_or_404(case_grant_list_current(referral=referral), pk=grant_id)


def case_grantee_choices(*, referral: Referral) -> QuerySet[Any]:
    """Active users of the case's authority whose role may be given a grant (panel members)."""
    return User.objects.filter(
        is_active=True,
        membership_record__local_authority_id=referral.local_authority_id,
        membership_record__role__in=GRANTEE_ROLES,
    ).order_by("display_name", "email")


_ATTACHMENTS_KEY = "_attachment_count"


def referral_attachment_count(referral: Referral) -> int:
    """How many documents the referral has, counted once per loaded referral.

    The case page's summary (its flags) and its answers (the Documents row) each asked: two identical COUNTs.
    As with channel_stage_of, a loaded referral lives for one request, and adding or removing a document
    redirects, so the next page loads the referral, and counts, afresh. A service that must know the count
    at the moment it writes (the limit on uploads) counts for itself.
    """
    if _ATTACHMENTS_KEY not in referral.__dict__:
        referral.__dict__[_ATTACHMENTS_KEY] = referral.attachments.count()
    return referral.__dict__[_ATTACHMENTS_KEY]
