"""Intake: drafts, submission (reference, blind index, repeat check, MASH e-mail via the outbox) and API creation."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django_fsm import ConcurrentTransition, has_transition_perm

from accounts.models import LocalAuthority
from audit import services as audit
from audit.actions import AuditAction
from encryption.blind_index import person_index
from encryption.services import case_key_create
from referrals.choices import ReferralStatus
from referrals.exceptions import NotEditable, ReferralInvalid, TransitionRefused
from referrals.models import Referral
from referrals.permissions import can_edit_draft
from referrals.signals import referral_submitted
from referrals.validation import ANSWERS, answers_complete, answers_validate

from .notifications import referral_mash_notify_enqueue
from .reference import reference_allocate_and_count_repeats
from .transitions import case_changed_meanwhile, transition_update_fields

# How a referral arrived, in its REFERRAL_SUBMITTED event: `via`, since "channel" names the Channel programme.
VIA_WEB = "WEB"
VIA_API = "API"


def _authority_for(*, actor: Any, local_authority: LocalAuthority | None) -> LocalAuthority:
    """The chosen authority, else the actor's (read before any transaction opens)."""
    if local_authority is not None:
        return local_authority
    if actor.local_authority_id is None:
        raise ReferralInvalid({"local_authority": ["Select the council area where the person lives"]})
    # The membership is loaded for every role check already; its authority is cached on it after one read.
    return actor.membership.local_authority


def _new_referral(*, actor: Any, local_authority: LocalAuthority) -> Referral:
    membership = actor.membership
    sector = membership.organisation.sector if membership and membership.organisation_id else ""
    data_key = case_key_create()  # saved in the caller's transaction: it rolls back with the referral
    return Referral(local_authority=local_authority, created_by=actor, data_key=data_key, referrer_sector=sector)


def referral_draft_create(*, actor: Any, local_authority: LocalAuthority | None = None) -> Referral:
    """Start an encrypted draft with its own data key, owned by the actor."""
    authority = _authority_for(actor=actor, local_authority=local_authority)
    with transaction.atomic():
        referral = _new_referral(actor=actor, local_authority=authority)
        referral.save(force_insert=True)
        audit.record(actor=actor, action=AuditAction.REFERRAL_CREATED, target=referral)
    return referral


def _apply(referral: Referral, answers: dict[str, Any]) -> list[str]:
    """Set the answers that differ; return their names."""
    changed = []
    for name, value in answers.items():
        if getattr(referral, name) != value:
            setattr(referral, name, value)
            changed.append(name)
    return changed


def referral_draft_save(
    *,
    referral: Referral,
    actor: Any,
    answers: dict[str, Any],
    local_authority: LocalAuthority | None = None,
    step: str = "",
) -> Referral:
    """Save some answers to the actor's own draft (encrypted); raise ReferralInvalid on malformed answers.

    Only the changed answers are written (and re-encrypted); a change moves `answers_version` on by one,
    in the database (F() + 1), so two tabs saving at once each count.
    """
    if not can_edit_draft(referral, actor):
        raise NotEditable("Only the author may change a draft, and only before it is submitted.")
    clean, errors = answers_validate(answers)
    if errors:
        raise ReferralInvalid(errors)
    try:
        with transaction.atomic():
            changed = _apply(referral, clean)
            if local_authority is not None and local_authority.pk != referral.local_authority_id:
                referral.local_authority = local_authority
                changed.append("local_authority")
            if changed:
                referral.answers_version = F("answers_version") + 1
            # updated_at always: saving the draft keeps it from the abandoned-draft sweep.
            referral.save(update_fields=[*changed, *(["answers_version"] if changed else []), "updated_at"])
            details: dict[str, Any] = {"fields_changed": len(changed)}
            if step:
                details["step"] = step
            audit.record(actor=actor, action=AuditAction.REFERRAL_DRAFT_SAVED, target=referral, details=details)
    except ConcurrentTransition as exc:
        # Sent from another tab since this page loaded: the sent referral is not changed.
        raise case_changed_meanwhile(
            referral=referral, actor=actor, transition="save_draft", source=ReferralStatus.DRAFT
        ) from exc
    if changed:
        _answers_version_reload(referral)
    return referral


def _answers_version_reload(referral: Referral) -> None:
    """The version the database counted (F() + 1), read alone: refresh_from_db() would build a second
    instance, whose optimistic locking reads its deferred state field too (two queries, not one)."""
    referral.answers_version = Referral.objects.values_list("answers_version", flat=True).get(pk=referral.pk)


class _SentMeanwhile(Exception):  # noqa: N818 - leaves the transaction only, turned into CaseChangedMeanwhile
    pass


@contextmanager
def draft_files_change(*, referral: Referral, actor: Any) -> Iterator[None]:
    """The transaction that adds or removes a draft's file: it moves the answers version on, so a
    check page shown before does not send unseen files, and it is activity on the draft, so retention
    counts from now (the row stays locked until commit, so the retention sweep, which locks it too,
    either sees the new time or has deleted the draft already); refused (audited) if the draft was sent
    or deleted since."""
    try:
        with transaction.atomic():
            bumped = Referral.objects.filter(pk=referral.pk, status=ReferralStatus.DRAFT).update(
                answers_version=F("answers_version") + 1, updated_at=timezone.now()
            )
            if not bumped:
                raise _SentMeanwhile
            yield
    except _SentMeanwhile as exc:
        raise case_changed_meanwhile(
            referral=referral, actor=actor, transition="save_draft", source=ReferralStatus.DRAFT
        ) from exc
    _answers_version_reload(referral)


def referral_answers(referral: Referral) -> dict[str, Any]:
    """The referral's answers by name (decrypts: call only for the author's draft or a permitted reader)."""
    return {name: getattr(referral, name) for name in ANSWERS}


class OnDemandAnswers(MutableMapping):
    """A referral's answers by name, each decrypted when first read; what is set here overlays them.

    A question page reads its own answers and those its journey's conditions ask (the date of birth or
    age), not all thirty: each answer decrypted is plaintext in memory and CPU (about 0.6 ms for a full
    draft, on the service's most frequent request). Same rule as referral_answers: the author's draft or a
    permitted reader only.
    """

    def __init__(self, referral: Referral) -> None:
        self._referral = referral
        self._set: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name in self._set:
            return self._set[name]
        if name not in ANSWERS:
            raise KeyError(name)
        return getattr(self._referral, name)

    def __setitem__(self, name: str, value: Any) -> None:
        self._set[name] = value

    def __delitem__(self, name: str) -> None:
        raise TypeError("An answer is changed by saving the draft, not removed from its reading.")

    def __iter__(self) -> Iterator[str]:
        return iter(ANSWERS)

    def __len__(self) -> int:
        return len(ANSWERS)


def referral_answers_on_demand(referral: Referral) -> OnDemandAnswers:
    """The referral's answers by name, decrypted one by one as they are read (see OnDemandAnswers)."""
    return OnDemandAnswers(referral)


def _index(referral: Referral) -> None:
    # The one blind index repeat detection needs; an index of a single name would group cases by surname.
    referral.person_index = person_index(
        given_name=referral.given_name, family_name=referral.family_name, date_of_birth=referral.date_of_birth
    )


def _submit_in_transaction(referral: Referral, *, actor: Any, via: str, attachments: int, new: bool) -> Referral:
    """The submit transaction's body: few statements (reference upsert, repeat count, row, audit)."""
    _index(referral)
    # The row being submitted is either not inserted yet (API) or has no person index yet (draft): not counted.
    referral.reference, referral.possible_repeat_count = reference_allocate_and_count_repeats(
        person_index=referral.person_index
    )
    referral.submit()
    # The id of the unlinked statistical record closure writes on referral_submitted (encrypted here only).
    referral.statistics_record = str(uuid.uuid4())
    mash_notified = referral_mash_notify_enqueue(referral)
    if new:
        referral.save(force_insert=True)
    else:
        # The draft's answers are already stored: write only what submitting sets, re-encrypting nothing.
        also = ("reference", "possible_repeat_count", "person_index", "statistics_record")
        referral.save(update_fields=transition_update_fields(referral.submit, *also))
    # mash opens its assessment; closure writes the statistical record.
    referral_submitted.send(sender=Referral, referral=referral, actor=actor)
    audit.record(
        actor=actor,
        action=AuditAction.REFERRAL_SUBMITTED,
        target=referral,
        details={
            "via": via,
            "possible_repeats": referral.possible_repeat_count,
            "attachments": attachments,
            "mash_notified": mash_notified,
        },
    )
    return referral


def referral_submit(*, referral: Referral, actor: Any, answers_version: int | None = None) -> Referral:
    """Submit the actor's complete draft: reference, blind person index, repeat check, audit, MASH e-mail after commit.

    `answers_version` is the version of the answers the person checked (default: the ones loaded in
    `referral`). If another tab has saved an answer since, nothing is sent and CaseChangedMeanwhile is
    raised (audited). A second submit of the same draft (double click) returns the referral already submitted.
    """
    if referral.status != ReferralStatus.DRAFT and referral.created_by_id == actor.pk:
        return referral
    if not has_transition_perm(referral.submit, actor):
        audit.record_refusal(
            actor=actor,
            action=AuditAction.REFERRAL_STATUS_CHANGED,
            target=referral,
            details={"transition": "submit", "source": referral.status},
        )
        raise TransitionRefused("submit")
    shown = referral.answers_version if answers_version is None else answers_version
    if shown == referral.answers_version:
        errors = answers_complete(referral_answers(referral))
        if errors:
            raise ReferralInvalid(errors)
        _ = referral.local_authority  # loaded before the transaction: its MASH inbox is needed inside
        with transaction.atomic():
            # Compare-and-set: the row is locked only if it is still this draft at the version checked, so
            # an answer saved in another tab (or a submit there) since cannot be overwritten or sent unseen.
            claimed = Referral.objects.filter(
                pk=referral.pk, status=ReferralStatus.DRAFT, answers_version=shown
            ).update(answers_version=shown)
            if claimed:
                return _submit_in_transaction(
                    referral, actor=actor, via=VIA_WEB, attachments=referral.attachments.count(), new=False
                )
        referral.refresh_from_db()
        if referral.status != ReferralStatus.DRAFT:
            return referral
    raise case_changed_meanwhile(
        referral=referral,
        actor=actor,
        transition="submit",
        source=ReferralStatus.DRAFT,
        answers_version_shown=shown,
        answers_version=referral.answers_version,
    )


def referral_create_submitted(
    *,
    actor: Any,
    answers: dict[str, Any],
    local_authority: LocalAuthority | None = None,
    idempotency_key: str = "",
) -> tuple[Referral, bool]:
    """Create and submit a referral in one transaction (API); return (referral, created).

    The same idempotency key from the same user returns the referral it first created.
    """
    if idempotency_key:
        existing = Referral.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing, False
    clean, errors = answers_validate(answers)
    # Every error at once: a malformed answer's own message wins over "missing" for the same field.
    errors = answers_complete(clean) | errors
    authority = _authority_for(actor=actor, local_authority=local_authority)
    if errors:
        raise ReferralInvalid(errors)
    try:
        with transaction.atomic():
            referral = _new_referral(actor=actor, local_authority=authority)
            referral.idempotency_key = idempotency_key
            _apply(referral, clean)
            return _submit_in_transaction(referral, actor=actor, via=VIA_API, attachments=0, new=True), True
    except IntegrityError:
        # A concurrent retry with the same key won the race: answer with its referral.
        existing = Referral.objects.filter(created_by=actor, idempotency_key=idempotency_key).first()
        if idempotency_key and existing is not None:
            return existing, False
        raise
