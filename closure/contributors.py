"""What goes into a transfer package: one contributor per app that records something about a case.

A contributor is `fn(referral, files) -> dict` giving its app's part of the case document (under its key)
and handing each encrypted file of the case to `files.add(...)`. `referrals`, `mash` and `channel` cannot
import closure (it sits above them), so their contributors live here and read their public models; a new
record of theirs (meetings, VAF assessments, consent, support plans, reviews) is one more entry below.
docs/transfer-package.md lists what each part holds.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from encryption.storage import encrypted_file_open

Contributor = Callable[[Any, "Files"], dict[str, Any] | None]
# Columns never copied: key material and the blind index are this service's, not the case's.
SKIPPED = {"data_key", "person_index"}


@dataclass
class Files:
    """The case's files, decrypted with its key and carried base64-encoded in the package."""

    entries: list[dict[str, Any]] = field(default_factory=list)

    def add(self, *, owner: str, owner_id: object, data_key: Any, file_ref: str) -> str:
        """Decrypt one stored file into the package; returns the id the document refers to it by."""
        with encrypted_file_open(data_key=data_key, ref=file_ref) as opened:
            content = opened.read()
            entry_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{owner}/{owner_id}/{file_ref}"))
            self.entries.append(
                {
                    "id": entry_id,
                    "owner": owner,
                    "owner_id": str(owner_id),
                    "filename": opened.filename,
                    "content_type": opened.content_type,
                    "size": len(content),
                    "sha256": hashlib.sha256(content).hexdigest(),
                    "content_base64": base64.b64encode(content).decode("ascii"),
                }
            )
        return entry_id


def plain(value: Any) -> Any:
    """A JSON value for a model field's value (dates as ISO 8601, ids as text)."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def row(instance: models.Model, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every column of a row (encrypted fields decrypted with the case's key; foreign keys as their ids)."""
    out: dict[str, Any] = {}
    for model_field in instance._meta.concrete_fields:
        if model_field.name in SKIPPED or model_field.name in skip:
            continue
        key = model_field.attname if model_field.is_relation else model_field.name
        out[key] = plain(getattr(instance, model_field.attname))
    return out


def _referral(referral: Any, files: Files) -> dict[str, Any]:
    authority = referral.local_authority
    attachments = [
        {
            **row(a, skip=("file_ref",)),
            "file": files.add(owner="referral", owner_id=a.pk, data_key=referral.data_key, file_ref=a.file_ref),
        }
        for a in referral.attachments.all()
    ]
    return {
        "referral": row(referral),
        "local_authority": {"id": authority.pk, "name": authority.name, "ons_code": authority.ons_code},
        "status_label": referral.get_status_display(),
        "closing_reason_label": referral.closing_reason_label,
        "further_information": [row(info) for info in referral.further_information.all()],
        "attachments": attachments,
    }


def _one(referral: Any, related_name: str) -> dict[str, Any] | None:
    """A one-to-one record of the case, or None (a missing reverse one-to-one raises an AttributeError)."""
    instance = getattr(referral, related_name, None)
    return row(instance) if instance is not None else None


def _mash(referral: Any, files: Files) -> dict[str, Any]:
    from mash.models import Assessment, InformationRequest, ScreeningOutcome

    outcome = ScreeningOutcome.objects.filter(referral=referral).select_related("reason").first()
    requests = []
    for request in (
        InformationRequest.objects.filter(referral=referral).select_related("organisation").order_by("created_at")
    ):
        request.referral = referral  # the case's key, already loaded
        requests.append(
            {
                **row(request),
                "organisation_name": request.organisation.name,
                "attachments": [
                    {
                        **row(a, skip=("file_ref",)),
                        "file": files.add(
                            owner="information_request", owner_id=a.pk, data_key=referral.data_key, file_ref=a.file_ref
                        ),
                    }
                    for a in request.attachments.all()
                ],
            }
        )
    assessment = Assessment.objects.filter(referral=referral).first()
    return {
        "assessment": row(assessment) if assessment else None,
        "gateway_check": _one(referral, "gateway_check"),
        "screening_outcome": (
            {
                **row(outcome),
                "reason_code": outcome.reason.code,
                "reason_label": outcome.reason.label,
                "route": outcome.reason.route,
            }
            if outcome
            else None
        ),
        "decision": _one(referral, "mash_decision"),
        "information_requests": requests,
    }


def _channel(referral: Any, files: Files) -> dict[str, Any] | None:
    from channel.models import ChannelCase
    from channel.selectors import channel_decisions

    channel_case = ChannelCase.objects.filter(referral=referral).first()
    if channel_case is None:
        return None
    channel_case.referral = referral
    return {
        "channel_case": {**row(channel_case), "stage_label": channel_case.get_state_display()},
        "decisions": [row(decision) for decision in channel_decisions(channel_case=channel_case)],
        "panel": _panel_records(channel_case),
        **_support_records(channel_case),
    }


def _panel_records(channel_case: Any) -> list[dict[str, Any]]:
    """Each meeting the case was on: the meeting's date and panel, the members' views, the decision, the minutes."""
    from channel.models import AgendaItem

    items = []
    agenda = AgendaItem.objects.filter(channel_case=channel_case).select_related("meeting").order_by("meeting__date")
    for item in agenda:
        item.channel_case = channel_case
        # A missing reverse one-to-one raises RelatedObjectDoesNotExist, an AttributeError: getattr's default.
        minutes, decision = getattr(item, "minutes", None), getattr(item, "decision", None)
        if minutes is not None:
            minutes.agenda_item = item
        items.append(
            {
                "agenda_item": row(item),
                "meeting": row(item.meeting),
                "views": [row(view) for view in item.views.order_by("pk")],
                "decision": row(decision) if decision is not None else None,
                "minutes": row(minutes) if minutes is not None else None,
            }
        )
    return items


def _support_records(channel_case: Any) -> dict[str, Any]:
    """The VAF assessments with their ratings, consent, the support plan with its sessions, post-exit reviews."""
    assessments = []
    for assessment in channel_case.vaf_assessments.select_related("catalogue").order_by("assessed_on", "created_at"):
        assessment.channel_case = channel_case
        ratings = []
        for rating in assessment.ratings.select_related("factor").order_by("factor__dimension", "factor__order"):
            rating.assessment = assessment
            ratings.append({**row(rating), "factor": rating.factor.name, "dimension": rating.factor.dimension})
        assessments.append({**row(assessment), "catalogue_version": assessment.catalogue.version, "ratings": ratings})
    interventions = []
    for intervention in channel_case.interventions.select_related("intervention_type").order_by("created_at"):
        intervention.channel_case = channel_case
        sessions = []
        for session in intervention.sessions.order_by("held_on", "created_at"):
            session.intervention = intervention
            sessions.append(row(session))
        interventions.append(
            {**row(intervention), "intervention_type": intervention.intervention_type.code, "sessions": sessions}
        )
    consents, reviews = [], []
    for consent in channel_case.consents.order_by("created_at"):
        consent.channel_case = channel_case
        consents.append(row(consent))
    for review in channel_case.post_exit_reviews.order_by("created_at"):
        review.channel_case = channel_case
        reviews.append(row(review))
    return {
        "vaf_assessments": assessments,
        "consents": consents,
        "interventions": interventions,
        "post_exit_reviews": reviews,
    }


# (key in the case document, contributor), in the order they appear.
CONTRIBUTORS: list[tuple[str, Contributor]] = [("referrals", _referral), ("mash", _mash), ("channel", _channel)]


def register_contributor(key: str, contributor: Contributor) -> None:
    """Add (or replace) the part of the package under `key`."""
    CONTRIBUTORS[:] = [(k, c) for k, c in CONTRIBUTORS if k != key] + [(key, contributor)]
