"""The case page's Closure section and history phrases, registered from ClosureConfig.ready() into the
registry `referrals` owns (referrals/sections.py): referrals never imports closure."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from referrals import sections

from .forms import ReceiptUploadForm
from .models import Transfer
from .permissions import can_confirm_receipt, can_purge_now, can_see_transfer
from .selectors import transfer_for
from .services.purge import purge_due_at

RECEIPT_REASONS = {
    "BAD_SIGNATURE": "it was not signed by CTP's receipt key",
    "WRONG_PACKAGE": "it was for another package",
    "UNKNOWN_PACKAGE": "it was for no package this service sent",
    "MALFORMED": "it was not a receipt",
    "NOT_SENT": "the package had not been sent",
    "ALREADY_ACKNOWLEDGED": "a receipt was accepted already",
    "NOT_PERMITTED": "it was given by someone who may not confirm receipts",
}


def _rows(transfer: Transfer) -> list[dict[str, Any]]:
    """Each step of the transfer with when it happened, or what is awaited."""
    retrying = " (delivery is being retried)" if transfer.delivery_attempts and not transfer.delivered_at else ""
    steps = [
        ("Package built", transfer.built_at, "Not yet: it is built after the case is closed"),
        ("Delivered to CTP", transfer.delivered_at, f"Not yet{retrying}"),
        ("CTP's receipt", transfer.receipt_received_at, "Awaited" if transfer.delivered_at else "Not yet"),
    ]
    return [{"key": key, "at": at, "pending": pending} for key, at, pending in steps]


def _context(referral: Any, user: Any) -> dict[str, Any]:
    transfer = transfer_for(referral)
    if transfer is None:
        return {}
    due = purge_due_at(transfer)
    return {
        "transfer": transfer,
        "transfer_stage": transfer.get_stage_display(),
        "purge_due_at": due,
        "purge_form": due is not None and due <= timezone.now() and can_purge_now(referral, user),
        "transfer_rows": _rows(transfer),
        "receipt_form": ReceiptUploadForm()
        if transfer.awaiting_receipt and can_confirm_receipt(referral, user)
        else None,
    }


def _visible(referral: Any, user: Any) -> bool:
    return can_see_transfer(referral, user) and Transfer.objects.filter(referral=referral).exists()


def _built(event: Any, names: dict[int, str]) -> tuple[str, str]:
    return "Transfer package built", "Signed by this service and sealed so that only CTP can open it."


def _delivered(event: Any, names: dict[int, str]) -> tuple[str, str]:
    via = {"drop_folder": "the drop folder", "https": "CTP's secure endpoint"}.get(
        (event.details or {}).get("transport"), ""
    )
    return "Transfer package delivered to CTP", f"Through {via}." if via else ""


def _failed(event: Any, names: dict[int, str]) -> tuple[str, str]:
    return "Transfer delivery failed", f"Attempt {(event.details or {}).get('attempts', '')}; it is retried."


def _accepted(event: Any, names: dict[int, str]) -> tuple[str, str]:
    how = "confirmed on this page" if (event.details or {}).get("via") == "upload" else "loaded by an operator"
    return "CTP's receipt accepted", f"The receipt was {how}."


def _refused(event: Any, names: dict[int, str]) -> tuple[str, str]:
    return (
        "A transfer receipt was refused",
        f"Refused because {RECEIPT_REASONS.get(event.reason_code, 'it was not valid')}.",
    )


def _purge_refused(event: Any, names: dict[int, str]) -> tuple[str, str]:
    why = {"NO_RECEIPT": "CTP's receipt was awaited", "HOLD_PERIOD": "the hold period was not over"}.get(
        event.reason_code, "it was asked by someone who may not purge cases"
    )
    return "A purge was refused", f"Refused because {why}."


def register_case_section() -> None:
    sections.register(sections.CaseSection("closure", "Closure", 70, "closure/section.html", _context, _visible))
    sections.register_history_phrase("TRANSFER_PACKAGE_BUILT", _built)
    sections.register_history_phrase("TRANSFER_PACKAGE_DELIVERED", _delivered)
    sections.register_history_phrase("TRANSFER_DELIVERY_FAILED", _failed)
    sections.register_history_phrase("TRANSFER_RECEIPT_ACCEPTED", _accepted)
    sections.register_history_phrase("TRANSFER_RECEIPT_REFUSED", _refused)
    sections.register_history_phrase("CASE_PURGE_REFUSED", _purge_refused)
