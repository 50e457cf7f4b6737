"""Delivering a built package to CTP through the configured transport (a drop folder, or HTTPS in production).

The closing transaction writes an outbox row (transfer_record); the outbox relay calls
`transfer_deliver_dispatch`, which queues the Celery task `closure.transfer_deliver` (ids only); the task
calls `transfer_deliver`, retrying with back-off, and the outbox tries again later if every retry failed.
Every step is safe to repeat: a package is built once, and a delivered one is not sent again.
"""

from __future__ import annotations

import logging
import os
import ssl
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit import services as audit
from audit.actions import AuditAction
from closure.fault_pause import fault_pause_point

from ..models import Transfer, TransferStage
from .transfer import transfer_package_build

logger = logging.getLogger(__name__)
DROP_SUFFIX = ".prevent-transfer.json"
HTTP_OK_RANGE = range(200, 300)


class TransferDeliveryError(RuntimeError):
    """The transport did not take the package; the task retries."""


def _drop_folder(transfer: Transfer) -> None:
    """Write the package under its id, whole or not at all (a temporary name, then an atomic rename)."""
    folder = Path(settings.TRANSFER_DROP_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{transfer.package_id}{DROP_SUFFIX}"
    partial = folder / f".{transfer.package_id}.partial"
    with partial.open("wb") as handle:
        handle.write(bytes(transfer.package))
        handle.flush()
        os.fsync(handle.fileno())
    partial.replace(final)


def _https(transfer: Transfer) -> None:
    """POST the package to CTP's endpoint over TLS with this service's client certificate."""
    context = ssl.create_default_context(cafile=settings.TRANSFER_HTTPS_CA_FILE or None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if settings.TRANSFER_HTTPS_CLIENT_CERT:
        context.load_cert_chain(settings.TRANSFER_HTTPS_CLIENT_CERT, settings.TRANSFER_HTTPS_CLIENT_KEY or None)
    if not settings.TRANSFER_HTTPS_URL.startswith("https://"):
        raise TransferDeliveryError("TRANSFER_HTTPS_URL is not an https:// address.")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above: https only
        settings.TRANSFER_HTTPS_URL,
        data=bytes(transfer.package),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Transfer-Package-Id": str(transfer.package_id),
            "X-Transfer-Package-SHA256": transfer.package_sha256,
        },
    )
    with urllib.request.urlopen(  # noqa: S310 - https only (checked above)
        request, timeout=settings.TRANSFER_HTTPS_TIMEOUT_SECONDS, context=context
    ) as response:
        if response.status not in HTTP_OK_RANGE:
            raise TransferDeliveryError(f"CTP's endpoint answered {response.status}.")


TRANSPORTS = {"drop_folder": _drop_folder, "https": _https}


def transfer_deliver_dispatch(transfer_id: str) -> None:
    """The outbox handler: queue the delivery task (ids only); with tasks inline, it runs here and now."""
    from closure.tasks import transfer_deliver as transfer_deliver_task

    transfer_deliver_task.delay(str(transfer_id))


def transfer_deliver(*, transfer_id: Any) -> Transfer:
    """Build the package if need be, send it once through the configured transport, and record it.

    Raises TransferDeliveryError (after recording the failed attempt) for the caller to retry.
    """
    transfer = transfer_package_build(transfer_id=transfer_id)
    if transfer.stage in (TransferStage.DELIVERED, TransferStage.ACKNOWLEDGED):
        return transfer
    transport = settings.TRANSFER_TRANSPORT
    send = TRANSPORTS.get(transport)
    Transfer.objects.filter(pk=transfer.pk).update(delivery_attempts=F("delivery_attempts") + 1, transport=transport)
    transfer.refresh_from_db()
    details = {"package_id": str(transfer.package_id), "transport": transport, "attempts": transfer.delivery_attempts}
    try:
        if send is None:
            raise TransferDeliveryError(f"Unknown TRANSFER_TRANSPORT {transport!r}.")
        fault_pause_point("transfer.sending")
        send(transfer)
        fault_pause_point("transfer.sent")
    except (OSError, ssl.SSLError, TransferDeliveryError) as exc:
        error = type(exc).__name__[:100]
        Transfer.objects.filter(pk=transfer.pk).update(last_error=error)
        with transaction.atomic():
            audit.record(
                actor=None, action=AuditAction.TRANSFER_DELIVERY_FAILED, target=transfer.referral, details=details
            )
        # The class name only: a message may quote a path or an address.
        logger.warning("Transfer %s delivery failed (attempt %d): %s", transfer.pk, transfer.delivery_attempts, error)
        raise TransferDeliveryError(error) from exc
    with transaction.atomic():
        locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
        if locked.stage == TransferStage.BUILT:
            locked.stage = TransferStage.DELIVERED
        locked.delivered_at = timezone.now()
        locked.last_error = ""
        locked.save(update_fields=["stage", "delivered_at", "last_error", "updated_at"])
        audit.record(actor=None, action=AuditAction.TRANSFER_PACKAGE_DELIVERED, target=locked.referral, details=details)
    return locked
