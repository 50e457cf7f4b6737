"""The worker killed (SIGKILL) in the middle of a transfer and in the middle of a purge (issue 17, point 4).

The worker is started with FAULT_PAUSE_AT naming a step (closure/fault_pause.py): when its task reaches that
step it writes a marker file and sleeps, and the test kills it there, deterministically. The case is then
fully present or fully purged, and the next run (the closure sweep, on a worker started again without the
pause) finishes the job: the package delivered once, or the purge completed and verified.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from celery import Celery
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from closure.models import PurgeCertificate, Transfer, TransferStage
from closure.services.delivery import DROP_SUFFIX
from closure.services.sweep import closure_sweep
from referrals.choices import ReferralStatus
from referrals.models import Referral
from tests.closure.test_purge_crash import _snapshot

from .conftest import wait_for

pytestmark = [pytest.mark.faults, pytest.mark.integration]


def _kill_at(beat_only, step: str, tmp_path: Path) -> Path:
    """Start the worker to stop at `step`; returns the file it writes when it is there."""
    marker = tmp_path / "paused-at"
    beat_only.start_worker(FAULT_PAUSE_AT=step, FAULT_PAUSE_FILE=str(marker))
    return marker


def _wait_paused(beat_only, marker: Path, step: str) -> None:
    """Wait until the worker is at `step`, and SIGKILL it there."""
    wait_for(marker.exists, timeout=90, what=f"the worker to reach {step}\n{beat_only.logs()}")
    assert marker.read_text() == step
    beat_only.kill("worker")


def _sweep_on_the_worker(beat_only, fault_redis) -> None:
    """Queue the closure sweep as beat does (on the worker's queue of the fault Redis)."""
    # Not the current app: shared tasks queued later in this process must still reach the suite's own broker.
    client = Celery(broker=fault_redis.url, set_as_current=False)
    try:
        client.send_task("closure.closure_sweep", queue=beat_only.env["CELERY_TASK_DEFAULT_QUEUE"])
    finally:
        client.close()


def _drop_files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("step", ["transfer.sending", "transfer.sent"])
def test_a_worker_killed_mid_transfer_leaves_the_case_whole_and_the_sweep_delivers_it_once(  # noqa: PLR0917
    app_on_fault_redis, beat_only, closed_case, settings, tmp_path, step
):
    drop = Path(beat_only.env["FAULTS_TRANSFER_DROP_DIR"])
    transfer = Transfer.objects.get(referral=closed_case)
    marker = _kill_at(beat_only, step, tmp_path)  # the relay (beat) queues the delivery the close recorded
    _wait_paused(beat_only, marker, step)

    # Killed: built (in its own committed transaction) but not recorded as delivered; the case is whole.
    transfer.refresh_from_db()
    assert transfer.stage == TransferStage.BUILT
    assert transfer.delivered_at is None
    referral = Referral.objects.get(pk=closed_case.pk)
    assert referral.status == ReferralStatus.TRANSFERRING
    assert referral.given_name == closed_case.given_name  # readable: its key is whole
    files = _drop_files(drop)
    if step == "transfer.sending":
        assert files == []
    else:  # sent whole (a temporary name, then a rename), never a partial file
        assert [path.name for path in files] == [f"{transfer.package_id}{DROP_SUFFIX}"]
        assert files[0].read_bytes() == bytes(transfer.package)
    assert not AuditEvent.objects.filter(action="TRANSFER_PACKAGE_DELIVERED").exists()

    # The next run: the worker back (no pause), the sweep (its clock past the stall time) queues it again.
    beat_only.start_worker()
    later = timezone.now() + datetime.timedelta(minutes=settings.TRANSFER_STALLED_MINUTES + 1)
    assert closure_sweep(now=later)["restarted"] == 1
    wait_for(
        lambda: Transfer.objects.get(pk=transfer.pk).stage == TransferStage.DELIVERED,
        timeout=90,
        what=f"the delivery after the sweep\n{beat_only.logs()}",
    )
    files = _drop_files(drop)
    assert [path.name for path in files] == [f"{transfer.package_id}{DROP_SUFFIX}"]
    assert files[0].read_bytes() == bytes(Transfer.objects.get(pk=transfer.pk).package)
    assert AuditEvent.objects.filter(action="TRANSFER_PACKAGE_DELIVERED").count() == 1
    call_command("verify_audit")


@pytest.mark.parametrize("step", ["purge.certificate", "purge.files"])
def test_a_worker_killed_mid_purge_leaves_the_case_whole_or_purged_and_the_sweep_finishes(
    app_on_fault_redis, beat_only, transferred_case, tmp_path, step
):
    reference = transferred_case.reference
    Transfer.objects.filter(referral=transferred_case).update(
        receipt_received_at=timezone.now() - datetime.timedelta(days=1)
    )
    before = _snapshot(transferred_case)
    assert all(before["files"])
    marker = _kill_at(beat_only, step, tmp_path)
    _sweep_on_the_worker(beat_only, app_on_fault_redis)
    _wait_paused(beat_only, marker, step)

    if step == "purge.files":  # committed: purged, its files (ciphertext under a shredded key) left behind
        assert not Referral.objects.filter(reference=reference).exists()
        certificate = PurgeCertificate.objects.get(reference=reference)
        assert certificate.files_removed_at is None
        assert AuditEvent.objects.filter(action="CASE_PURGED").count() == 1
    else:  # the transaction died with the worker's connection: the whole case is there, readable
        wait_for(lambda: _snapshot(transferred_case) == before, timeout=30, what="the case as it was")
        assert Referral.objects.get(reference=reference).given_name == transferred_case.given_name
        assert not PurgeCertificate.objects.exists()
        assert not AuditEvent.objects.filter(action="CASE_PURGED").exists()

    # The next run: the worker back (no pause) and the sweep finishes the purge, once.
    beat_only.start_worker()
    _sweep_on_the_worker(beat_only, app_on_fault_redis)
    wait_for(
        lambda: PurgeCertificate.objects.filter(reference=reference, files_removed_at__isnull=False).exists(),
        timeout=90,
        what=f"the purge finished by the sweep\n{beat_only.logs()}",
    )
    assert not Referral.objects.filter(reference=reference).exists()
    assert PurgeCertificate.objects.count() == 1
    assert AuditEvent.objects.filter(action="CASE_PURGED").count() == 1
    verified = beat_only.manage("verify_purge", reference)  # the worker's settings: its signing key
    assert verified.returncode == 0, verified.stdout + verified.stderr
    call_command("verify_audit")
