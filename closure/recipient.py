"""The recipient's side (CTP, or a demo or test playing it): open a package, write a signed receipt.

Used by the open_package and acknowledge_package commands; a refusal is audited here (the commands only
print it), with a code and never the package's content.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from django.utils import timezone

from audit import services as audit
from audit.actions import AuditAction

from .package import Opened, PackageRefused, open_package
from .receipts import receipt_build


def package_open_checked(*, data: bytes, private_key: bytes, sender_public_key: bytes, command: str) -> Opened:
    """Open a package; a refusal is recorded (committed on its own) and raised again."""
    try:
        return open_package(data=data, private_key=private_key, sender_public_key=sender_public_key)
    except PackageRefused as error:
        audit.record_refusal(
            actor=None,
            action=AuditAction.TRANSFER_PACKAGE_OPEN_REFUSED,
            reason_code=error.code,
            details={"command": command},
        )
        raise


def package_write_out(*, opened: Opened, folder: Path) -> list[Path]:
    """Write the case as case.json and each attachment as a file of its own (its id, then its name)."""
    folder.mkdir(parents=True, exist_ok=True)
    document: dict[str, Any] = json.loads(json.dumps(opened.document))
    written = []
    files = folder / "attachments"
    for entry in document.get("attachments", []):
        files.mkdir(exist_ok=True)
        name = Path(str(entry.get("filename") or "file")).name or "file"
        path = files / f"{entry['id']}-{name}"
        path.write_bytes(base64.b64decode(entry.pop("content_base64")))
        entry["path"] = str(path.relative_to(folder))
        written.append(path)
    case = folder / "case.json"
    case.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    return [case, *written]


def receipt_for(*, opened: Opened, signing_key: bytes) -> bytes:
    """CTP's signed receipt of an opened package (its hash over the file's bytes as received)."""
    return receipt_build(
        signing_key=signing_key,
        package_id=opened.package_id,
        package_sha256=opened.sha256,
        case_reference=str(opened.document.get("case", {}).get("reference", "")),
        received_at=timezone.now().isoformat(),
    )
