"""Purge: after CTP's receipt and the hold period, every row, file, grant, outbox row and the data key of
the case go in one transaction; a signed certificate and a statistical tombstone remain, both audited."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from closure.case_rows import ROOT, case_models, case_rows
from closure.certificate import certificate_verify
from closure.models import PurgeCertificate, Tombstone, Transfer
from closure.services.purge import PurgeRefused, case_purge
from closure.statistics import case_statistics
from core.models import OutboxMessage
from encryption.models import DataKey
from encryption.storage import encrypted_file_path
from referrals.models import Referral

pytestmark = pytest.mark.django_db


def _reverse_reachable() -> set[str]:
    """Every model that reaches Referral by foreign keys, walking the graph the other way (reverse relations)."""
    root = apps.get_model(ROOT)
    seen, todo = {root}, [root]
    while todo:
        model = todo.pop()
        # Hidden reverse relations too (a foreign key with related_name="+", as SupportReminder's).
        reverse = [f for f in model._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete]
        for relation in reverse:
            if relation.many_to_many or relation.related_model in seen:
                continue
            if relation.field.model is relation.related_model:
                seen.add(relation.related_model)
                todo.append(relation.related_model)
    return {m._meta.label for m in seen}


def test_every_model_with_a_foreign_key_path_to_the_referral_is_purged():
    """A new table of any app (Channel meetings, support) that points at a case is purged without an edit."""
    purged = {model._meta.label for model, _lookup in case_models()}
    assert purged == _reverse_reachable()
    assert {"mash.InformationRequestAttachment", "channel.ChannelDecision", "closure.Transfer"} <= purged


def test_every_case_model_is_deleted_before_the_case_models_it_points_at():
    """Deepest first by the longest chain of keys: a post-exit review (which names its Channel case and, PROTECTed,
    the Channel decision it recorded) goes before that decision, or the purge of a completed case fails."""
    order = [model for model, _lookup in case_models()]
    position = {model: index for index, model in enumerate(order)}
    for model in order:
        for model_field in model._meta.concrete_fields:
            target = model_field.related_model if model_field.is_relation else None
            if target in position and target is not model:
                assert position[model] < position[target], (model._meta.label, target._meta.label)
    labels = [model._meta.label for model in order]
    assert labels.index("channel.PostExitReview") < labels.index("channel.ChannelDecision")
    assert labels[-1] == ROOT


def test_purge_leaves_only_the_certificate_the_tombstone_and_the_audit_trail(transferred_case, prevent_lead):
    case_id, reference = transferred_case.pk, transferred_case.reference
    data_key_id = transferred_case.data_key_id
    rows = case_rows(case_id)
    files = list(rows.file_refs)
    assert files
    assert all(encrypted_file_path(ref).exists() for ref in files)
    outbox = rows.outbox().count()
    assert outbox  # the delivery's outbox row names the transfer
    before = sum(len(pks) for pks in rows.ids.values()) + outbox
    statistics = case_statistics(Referral.objects.get(pk=case_id))

    certificate = case_purge(reference=reference, actor=None, via="schedule")

    assert not Referral.objects.filter(pk=case_id).exists()
    assert all(not pks for pks in case_rows(case_id).ids.values())
    assert not OutboxMessage.objects.filter(object_id__in=rows.all_ids).exists()
    assert not any(encrypted_file_path(ref).exists() for ref in files)
    key = DataKey.objects.get(pk=data_key_id)
    assert key.wrapped_key is None
    assert key.shredded_at is not None
    assert certificate.rows_total == before
    assert certificate.files_deleted == len(files)
    assert certificate.files_removed_at is not None
    assert certificate_verify(certificate)
    assert PurgeCertificate.objects.get(reference=reference).receipt_id is not None
    tombstone = Tombstone.objects.get()
    assert {k: getattr(tombstone, k) for k in statistics} == statistics
    assert AuditEvent.objects.filter(action="CASE_PURGED", case_reference=reference).count() == 1
    assert AuditEvent.objects.filter(action="CASE_TOMBSTONE_WRITTEN", case_reference="").count() == 1
    call_command("verify_audit")
    # Idempotent: purging again changes nothing.
    assert case_purge(reference=reference, actor=None, via="schedule").pk == certificate.pk
    assert Tombstone.objects.count() == 1


def test_statistics_are_those_of_the_case(transferred_case):
    stats = case_statistics(transferred_case)
    assert stats["referral_month"] == timezone.localdate(transferred_case.submitted_at).replace(day=1)
    assert stats["outcome"] == "NFA_NO_CONCERN"
    assert stats["route"] == "screening"
    assert stats["days_to_channel"] is None
    assert "reference" not in stats


def test_purge_without_a_receipt_is_refused_audited_and_deletes_nothing(closed_case):
    with pytest.raises(PurgeRefused) as refused:
        case_purge(reference=closed_case.reference, actor=None, via="schedule")
    assert refused.value.code == "NO_RECEIPT"
    assert Referral.objects.filter(pk=closed_case.pk).exists()
    assert Transfer.objects.exists()
    assert AuditEvent.objects.filter(action="CASE_PURGE_REFUSED", reason_code="NO_RECEIPT").count() == 1
    assert not PurgeCertificate.objects.exists()


@pytest.mark.parametrize("role", ["triage_officer", "police_prevent_officer", "referrer", "auditor"])
def test_purge_by_another_role_is_refused_audited_and_deletes_nothing(transferred_case, request, role):
    user = request.getfixturevalue(role)
    rows_before = case_rows(transferred_case.pk)
    with pytest.raises(PurgeRefused) as refused:
        case_purge(reference=transferred_case.reference, actor=user, via="prevent_lead")
    assert refused.value.code == "NOT_PERMITTED"
    assert case_rows(transferred_case.pk).ids == rows_before.ids
    assert AuditEvent.objects.filter(action="CASE_PURGE_REFUSED", reason_code="NOT_PERMITTED").count() == 1


def test_purge_by_the_prevent_lead_of_another_council_is_refused(transferred_case, make_user, other_local_authority):
    lead = make_user(other_local_authority, "prevent_lead", "other-")
    with pytest.raises(PurgeRefused):
        case_purge(reference=transferred_case.reference, actor=lead, via="prevent_lead")
    assert Referral.objects.filter(pk=transferred_case.pk).exists()


def test_purge_waits_for_the_hold_period(transferred_case, settings, prevent_lead):
    settings.PURGE_HOLD_DAYS = 3
    with pytest.raises(PurgeRefused) as refused:
        case_purge(reference=transferred_case.reference, actor=prevent_lead, via="prevent_lead")
    assert refused.value.code == "HOLD_PERIOD"
    Transfer.objects.filter(referral=transferred_case).update(
        receipt_received_at=timezone.now() - datetime.timedelta(days=3, minutes=1)
    )
    certificate = case_purge(reference=transferred_case.reference, actor=prevent_lead, via="prevent_lead")
    assert certificate.authorised_by == prevent_lead
