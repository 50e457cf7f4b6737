"""End to end on PostgreSQL: a case with a canary in every encrypted field of every one of its rows and an
attachment goes from submission through MASH and Channel to its purge. Afterwards neither `pg_dump` of the
database nor any file under the media and drop folders (but the sealed package) holds a canary, the audit
chain verifies, and the tombstone's statistics are those computed from the case before the purge."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from closure.case_rows import case_models
from closure.models import Tombstone, Transfer
from closure.package import open_package
from closure.receipts import receipt_build
from closure.services import transfer_deliver, transfer_receipt_accept
from closure.services.delivery import DROP_SUFFIX
from closure.services.purge import case_purge
from closure.statistics import case_statistics
from encryption.fields import EncryptedCharField, EncryptedJSONField, EncryptedTextField
from encryption.storage import encrypted_file_save
from referrals import services
from referrals.models import Referral, ReferralAttachment
from tests.channel.steps import bring_to, take
from tests.mash.factories import organisation_in, request_row
from tests.referrals.factories import information_gathering_referral

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]
CANARY = "Zq9canary"
ATTACHMENT = b"%PDF-1.4 " + CANARY.encode() + b" attachment bytes"


def _plant_canaries(referral) -> list[str]:
    """Write a distinct canary into every encrypted text and JSON field of every row of the case."""
    planted = []
    for model, lookup in case_models():
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, EncryptedCharField | EncryptedTextField | EncryptedJSONField)
        ]
        if not fields:
            continue
        for row in model._default_manager.filter(**{lookup: referral.pk}):
            for field in fields:
                value = f"{CANARY}-{model._meta.model_name}-{field.name}"
                setattr(row, field.name, [value] if isinstance(field, EncryptedJSONField) else value)
                planted.append(value)
            row.save(update_fields=[f.name for f in fields])
    return planted


def _canaries_held(referral) -> list[str]:
    """Every canary the case's rows hold now (decrypted)."""
    held = []
    for model, lookup in case_models():
        for row in model._default_manager.filter(**{lookup: referral.pk}):
            for field in model._meta.concrete_fields:
                value = getattr(row, field.attname)
                held += [v for v in (value if isinstance(value, list) else [value]) if CANARY in str(v)]
    return held


def _dump() -> bytes:
    db = connection.settings_dict
    command = ["pg_dump", "-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"], db["NAME"]]
    env = {"PGPASSWORD": db.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"}
    return subprocess.run(command, check=True, capture_output=True, env=env).stdout  # noqa: S603 - fixed arguments


def case_through_mash_to_post_exit_review(referrer, triage_officer, channel_chair, prevent_lead, local_authority):  # noqa: PLR0917
    """A case with further information and a partner's request, referred to Channel and brought to its post-exit
    review: the walk both end-to-end purge tests (in-process, and with a real worker) start from."""
    referral = information_gathering_referral(user=referrer, screener=triage_officer)
    services.referral_information_add(referral=referral, actor=referrer, text="More")
    request_row(
        referral=referral,
        created_by=triage_officer,
        addressee=triage_officer,
        organisation=organisation_in(local_authority),
        grant_for=None,
    )
    referral = services.referral_refer_to_channel(referral=referral, actor=triage_officer)
    users = {"channel_chair": channel_chair, "triage_officer": triage_officer, "prevent_lead": prevent_lead}
    channel_case = bring_to(referral.channel_case, "post_exit_review", users)
    return referral, channel_case


def test_nothing_of_a_purged_case_remains_but_its_certificate_tombstone_and_audit_trail(  # noqa: PLR0917 - fixtures
    settings, tmp_path, transfer_keys, referrer, triage_officer, channel_chair, prevent_lead, local_authority
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ENCRYPTION_FILE_ROOT = tmp_path / "media" / "encrypted"
    referral, channel_case = case_through_mash_to_post_exit_review(
        referrer, triage_officer, channel_chair, prevent_lead, local_authority
    )
    ref = encrypted_file_save(
        data_key=referral.data_key, fileobj=io.BytesIO(ATTACHMENT), filename="c.pdf", content_type="application/pdf"
    )
    ReferralAttachment(
        referral=referral, added_by=referrer, file_ref=ref, content_type="application/pdf", size=9, filename="c"
    ).save(force_insert=True)
    _plant_canaries(referral)
    # Closing writes its summary (and the panel's decision) from the note; the package is built once it commits.
    take(channel_case, "complete", channel_chair, note=f"{CANARY}-closing-note")
    planted = _canaries_held(referral)
    assert len(planted) > 30
    before = case_statistics(Referral.objects.get(pk=referral.pk))

    transfer = transfer_deliver(transfer_id=Transfer.objects.get(referral=referral).pk)
    package = Path(settings.TRANSFER_DROP_DIR) / f"{transfer.package_id}{DROP_SUFFIX}"
    opened = open_package(
        data=package.read_bytes(),
        private_key=transfer_keys["raw"]["ctp.key"],
        sender_public_key=transfer_keys["raw"]["transfer_signing.pub"],
    )
    document = json.dumps(opened.document)
    assert [value for value in planted if value not in document] == []  # CTP gets every canary
    receipt = receipt_build(
        signing_key=transfer_keys["raw"]["ctp_signing.key"],
        package_id=str(transfer.package_id),
        package_sha256=transfer.package_sha256,
        case_reference=referral.reference,
        received_at="2026-11-28T12:00:00+00:00",
    )
    transfer_receipt_accept(data=receipt, actor=None, via="command")

    case_purge(reference=referral.reference, actor=None, via="schedule")

    assert CANARY.encode() not in _dump()
    for folder in (Path(settings.MEDIA_ROOT), Path(settings.TRANSFER_DROP_DIR)):
        for path in folder.rglob("*"):
            if path.is_file() and path != package:
                assert CANARY.encode() not in path.read_bytes(), path
    call_command("verify_purge", referral.reference)  # exit 0
    call_command("verify_audit")
    tombstone = Tombstone.objects.get()
    assert {key: getattr(tombstone, key) for key in before} == before
    assert before["route"] == "channel"
    assert before["consent_given"] is True
    assert before["outcome"] == "CHANNEL_COMPLETED"
