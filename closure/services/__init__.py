"""Every write of the closure app: one transaction each, each audited (STYLE.md)."""

from __future__ import annotations

from .delivery import transfer_deliver, transfer_deliver_dispatch
from .receipts import transfer_receipt_accept
from .transfer import transfer_package_build, transfer_record

__all__ = [
    "transfer_deliver",
    "transfer_deliver_dispatch",
    "transfer_package_build",
    "transfer_receipt_accept",
    "transfer_record",
]
