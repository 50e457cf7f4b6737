"""Every row, file and grant of one case, found through Django's model graph (no list of apps to keep up).

A model belongs to a case when a chain of its foreign keys (or one-to-one keys) leads to `referrals.Referral`:
`case_models()` finds each such model and the lookup from it to the case root (`request__referral`), so a
table another app adds later (Channel meetings, support plans, sessions, reviews) is purged, and looked for by
verify_purge, without any edit here. Rows that point at case rows without a foreign key are found too: generic
grants and admin log entries (a content type and an object id), and outbox messages (an object id).
docs/closure.md describes the purge.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models

ROOT = "referrals.Referral"
# Fields holding the name of a stored (encrypted) file: their files are deleted with the rows.
FILE_REF_SUFFIX = "file_ref"


def _lookups() -> dict[type[models.Model], str]:
    """Each model with a foreign-key path to the case root -> the shortest lookup to the root's id."""
    root = apps.get_model(ROOT)
    found: dict[type[models.Model], str] = {root: "pk"}
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            for model_field in model._meta.concrete_fields:
                target = model_field.related_model if model_field.is_relation else None
                if target not in found or model_field.many_to_many:
                    continue
                lookup = model_field.name if target is root else f"{model_field.name}__{found[target]}"
                if model not in found or lookup.count("__") < found[model].count("__"):
                    found[model] = lookup
                    changed = True
    return found


def _depths(lookups: dict[type[models.Model], str]) -> dict[type[models.Model], int]:
    """Each case model -> the longest chain of foreign keys from it to the root through case models (the root 0).

    Deleting by this, deepest first, deletes every row before the rows it points at: a model with a key to another
    case model is deeper than it (a post-exit review names both its Channel case and the Channel decision it
    recorded, which a shortest lookup would put on one level; the decision is PROTECTed). A key back into a chain
    (a model naming itself) is not followed; a loop of keys between case models (there is none) would have no
    such order, and tests/closure/test_purge.py's order test would fail on it."""
    depths: dict[type[models.Model], int] = {}

    def depth(model: type[models.Model], seen: frozenset) -> int:
        if model not in depths:
            targets = {
                f.related_model
                for f in model._meta.concrete_fields
                if f.is_relation and not f.many_to_many and f.related_model in lookups and f.related_model not in seen
            }
            depths[model] = max((depth(target, seen | {target}) + 1 for target in targets), default=0)
        return depths[model]

    for model in lookups:
        depth(model, frozenset({model}))
    return depths


def case_models() -> list[tuple[type[models.Model], str]]:
    """(model, lookup to the case id) for every model of a case, deepest first, the case root last."""
    lookups = _lookups()
    depths = _depths(lookups)
    return sorted(lookups.items(), key=lambda item: (-depths[item[0]], item[0]._meta.label))


def _generic_references() -> list[tuple[type[models.Model], str, str]]:
    """(model, content type field, object id field) of every model that points at rows without a foreign key."""
    found = []
    for model in apps.get_models():
        content_type = next(
            (f for f in model._meta.concrete_fields if f.is_relation and f.related_model is ContentType), None
        )
        object_id = next((f for f in model._meta.concrete_fields if f.name in ("object_pk", "object_id")), None)
        if content_type is not None and object_id is not None:
            found.append((model, content_type.name, object_id.name))
    return found


@dataclass
class CaseRows:
    """One case's rows by model (their primary keys), its stored files and its generic references."""

    case_id: uuid.UUID
    ids: dict[type[models.Model], list[Any]] = field(default_factory=dict)
    file_refs: list[str] = field(default_factory=list)

    @property
    def all_ids(self) -> set[str]:
        return {str(pk) for pks in self.ids.values() for pk in pks}

    def querysets(self) -> list[tuple[type[models.Model], models.QuerySet]]:
        return [(model, model._default_manager.filter(pk__in=pks)) for model, pks in self.ids.items() if pks]

    def generic_querysets(self) -> list[tuple[type[models.Model], models.QuerySet]]:
        """Grants, admin log entries and the like that name one of the case's rows by content type and id."""
        out = []
        for model, ct_field, id_field in _generic_references():
            for case_model, pks in self.ids.items():
                if not pks:
                    continue
                content_type = ContentType.objects.get_for_model(case_model, for_concrete_model=False)
                out.append(
                    (
                        model,
                        model._default_manager.filter(
                            **{ct_field: content_type, f"{id_field}__in": [str(pk) for pk in pks]}
                        ),
                    )
                )
        return out

    def outbox(self) -> models.QuerySet:
        from core.models import OutboxMessage

        return OutboxMessage.objects.filter(object_id__in=self.all_ids)


def case_rows(case_id: uuid.UUID) -> CaseRows:
    """Every row of the case now (ids and stored files), deepest first: read before deleting, and by verify_purge."""
    rows = CaseRows(case_id=case_id)
    for model, lookup in case_models():
        file_fields = [f.attname for f in model._meta.concrete_fields if f.name.endswith(FILE_REF_SUFFIX)]
        values = model._default_manager.filter(**{lookup: case_id}).values_list("pk", *file_fields)
        pks = []
        for pk, *refs in values:
            pks.append(pk)
            rows.file_refs.extend(ref for ref in refs if ref)
        rows.ids[model] = pks
    return rows
