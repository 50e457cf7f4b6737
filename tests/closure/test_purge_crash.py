"""A crash at each step of the purge leaves the case whole (before the commit) or purged (after it), and a
rerun, or the scheduled sweep, finishes the job; the sweep also restarts stalled transfers and alerts."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from closure.case_rows import case_rows
from closure.models import PurgeCertificate, Tombstone, Transfer
from closure.services import purge as purge_module
from closure.services.purge import PURGE_STEPS, case_purge
from closure.services.sweep import closure_sweep
from closure.services.transfer import DELIVER
from core.models import OutboxMessage
from encryption.models import DataKey
from encryption.storage import encrypted_file_path
from referrals.models import Referral

pytestmark = pytest.mark.django_db
AFTER_COMMIT = ("files", "cache")


class Crash(RuntimeError):
    pass


def _crash_at(monkeypatch, name: str) -> None:
    def step(current: str) -> None:
        if current == name:
            raise Crash(current)

    monkeypatch.setattr(purge_module, "_step", step)


def _snapshot(referral) -> dict:
    rows = case_rows(referral.pk)
    return {
        "ids": {model._meta.label: sorted(map(str, pks)) for model, pks in rows.ids.items()},
        "files": [encrypted_file_path(ref).exists() for ref in rows.file_refs],
        "outbox": rows.outbox().count(),
        "key": DataKey.objects.get(pk=referral.data_key_id).wrapped_key is not None,
    }


@pytest.mark.parametrize("step", PURGE_STEPS)
def test_a_crash_at_each_step_leaves_the_case_whole_or_purged_and_a_rerun_finishes(transferred_case, monkeypatch, step):
    reference = transferred_case.reference
    before = _snapshot(transferred_case)
    assert all(before["files"])
    assert before["key"]
    _crash_at(monkeypatch, step)
    with pytest.raises(Crash):
        case_purge(reference=reference, actor=None, via="schedule")
    if step in AFTER_COMMIT:  # committed: purged, files (ciphertext under a shredded key) left for the rerun
        assert not Referral.objects.filter(reference=reference).exists()
        assert PurgeCertificate.objects.get(reference=reference).files_removed_at is None
    else:  # rolled back: the whole case is there, readable, and nothing of the purge was written
        assert _snapshot(transferred_case) == before
        assert Referral.objects.get(reference=reference).given_name
        assert not PurgeCertificate.objects.exists()
        assert not Tombstone.objects.exists()
        assert not AuditEvent.objects.filter(action="CASE_PURGED").exists()
    monkeypatch.setattr(purge_module, "_step", lambda current: None)
    rerun = closure_sweep() if step in AFTER_COMMIT else None
    certificate = case_purge(reference=reference, actor=None, via="schedule")
    assert certificate.files_removed_at is not None
    assert rerun is None or rerun["finished"] == 1
    call_command("verify_purge", reference)  # exit 0: nothing remains
    assert Tombstone.objects.count() == 1
    call_command("verify_audit")


def test_the_sweep_purges_cases_past_their_hold_period(transferred_case, settings):
    settings.PURGE_HOLD_DAYS = 2
    assert closure_sweep()["purged"] == 0
    later = timezone.now() + datetime.timedelta(days=2, minutes=1)
    assert closure_sweep(now=later)["purged"] == 1
    certificate = PurgeCertificate.objects.get(reference=transferred_case.reference)
    assert certificate.authorised_via == "schedule"
    assert certificate.authorised_by is None


def test_the_sweep_restarts_a_transfer_whose_delivery_used_every_attempt(closed_case, settings):
    transfer = Transfer.objects.get(referral=closed_case)
    OutboxMessage.objects.filter(topic=DELIVER).update(dispatched_at=None, attempts=settings.OUTBOX_MAX_ATTEMPTS)
    later = timezone.now() + datetime.timedelta(minutes=settings.TRANSFER_STALLED_MINUTES + 1)
    assert closure_sweep(now=later)["restarted"] == 1
    assert OutboxMessage.objects.filter(topic=DELIVER, object_id=str(transfer.pk), attempts=0).exists()
    assert AuditEvent.objects.filter(action="TRANSFER_RESTARTED", case_reference=closed_case.reference).exists()
    assert closure_sweep(now=later)["restarted"] == 0  # queued again once, not on every sweep


def test_the_sweep_tells_the_prevent_lead_once_of_a_case_not_transferred(
    closed_case, prevent_lead, settings, django_capture_on_commit_callbacks
):
    settings.TRANSFER_ALERT_DAYS = 5
    assert closure_sweep()["alerted"] == 0
    later = timezone.now() + datetime.timedelta(days=6)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert closure_sweep(now=later)["alerted"] == 1
    assert closure_sweep(now=later)["alerted"] == 0
    sent = [m for m in mail.outbox if "not yet transferred" in m.subject]
    assert len(sent) == 1
    assert sent[0].to == [prevent_lead.email]
    assert closed_case.reference in sent[0].body
    assert closed_case.given_name not in sent[0].body
    assert AuditEvent.objects.filter(action="TRANSFER_OVERDUE_ALERTED").count() == 1


def test_the_sweep_is_on_the_beat_schedule_and_its_e_mail_has_an_outbox_handler(settings):
    from closure import tasks

    assert settings.CELERY_BEAT_SCHEDULE["closure-sweep"]["task"] == tasks.closure_sweep.name
    assert settings.OUTBOX_HANDLERS["closure.transfer_overdue_notify"].endswith("transfer_overdue_notify")
    assert settings.OUTBOX_HANDLERS["closure.transfer_deliver"].endswith("transfer_deliver_dispatch")
