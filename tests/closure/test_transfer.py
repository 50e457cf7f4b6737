"""The transfer package: built, signed and sealed; opened only with CTP's key; every canary inside."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import jsonschema
import pytest

from closure import package
from closure.models import Transfer, TransferStage
from closure.package import PackageRefused, open_package
from closure.services import transfer_deliver, transfer_package_build
from encryption.sealing import x25519_private_key_new
from encryption.signing import ed25519_private_key_new, ed25519_public_key
from referrals.choices import ReferralStatus

from .conftest import ATTACHMENT_CANARY, GATEWAY_CANARY, SUMMARY_CANARY

pytestmark = pytest.mark.django_db
SCHEMA = Path(__file__).resolve().parents[2] / "closure" / "schema" / "transfer-package-v1.json"


def _open(transfer, keys):
    raw = keys["raw"]
    return open_package(
        data=bytes(transfer.package), private_key=raw["ctp.key"], sender_public_key=raw["transfer_signing.pub"]
    )


def test_closing_records_a_transfer_and_queues_its_delivery(closed_case):
    from core.models import OutboxMessage

    transfer = Transfer.objects.get(referral=closed_case)
    assert transfer.stage == TransferStage.DUE
    assert closed_case.status == ReferralStatus.CLOSED
    assert OutboxMessage.objects.filter(topic="closure.transfer_deliver", object_id=str(transfer.pk)).exists()


def test_package_round_trip_holds_every_canary(closed_case, transfer_keys, canaries, assert_audited):
    transfer = transfer_package_build(transfer_id=closed_case.transfer.pk)
    closed_case.refresh_from_db()
    assert closed_case.status == ReferralStatus.TRANSFERRING
    assert transfer.stage == TransferStage.BUILT
    assert transfer.package_sha256 == package.sha256_hex(bytes(transfer.package))
    sealed_text = bytes(transfer.package).decode()
    for value in (*canaries.values(), SUMMARY_CANARY, GATEWAY_CANARY):
        assert value not in sealed_text  # sealed: nothing readable without CTP's key
    opened = _open(transfer, transfer_keys)
    text = json.dumps(opened.document, ensure_ascii=False)
    for value in (canaries["first_name"], canaries["last_name"], canaries["narrative"], SUMMARY_CANARY, GATEWAY_CANARY):
        assert value in text
    case = opened.document["case"]
    assert case["reference"] == closed_case.reference
    assert case["referrals"]["referral"]["closing_summary"] == SUMMARY_CANARY
    assert case["mash"]["gateway_check"]["note"] == GATEWAY_CANARY
    assert case["mash"]["information_requests"][0]["question"]
    assert case["channel"] is None
    contents = {base64.b64decode(a["content_base64"]) for a in opened.document["attachments"]}
    assert ATTACHMENT_CANARY in contents
    assert b"%PDF-1.4 answer" in contents  # the information request's file
    actions = [event["action"] for event in opened.document["audit_events"]]
    assert "REFERRAL_SUBMITTED" in actions
    assert "REFERRAL_STATUS_CHANGED" in actions
    assert_audited("TRANSFER_PACKAGE_BUILT", closed_case, package_id=str(transfer.package_id))


def test_building_twice_keeps_the_first_package(closed_case):
    first = transfer_package_build(transfer_id=closed_case.transfer.pk)
    again = transfer_package_build(transfer_id=closed_case.transfer.pk)
    assert again.package_sha256 == first.package_sha256


def test_built_package_matches_the_json_schema(closed_case, transfer_keys):
    transfer = transfer_package_build(transfer_id=closed_case.transfer.pk)
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(bytes(transfer.package)), {"$ref": "#/$defs/package", "$defs": schema["$defs"]})
    jsonschema.validate(_open(transfer, transfer_keys).document, schema)


def test_schema_refuses_a_document_without_its_case(closed_case, transfer_keys):
    transfer = transfer_package_build(transfer_id=closed_case.transfer.pk)
    document = _open(transfer, transfer_keys).document
    del document["case"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, json.loads(SCHEMA.read_text()))


def _tampered(data: bytes) -> bytes:
    outer = json.loads(data)
    ciphertext = bytearray(base64.b64decode(outer["ciphertext"]))
    ciphertext[len(ciphertext) // 2] ^= 0x01
    outer["ciphertext"] = base64.b64encode(bytes(ciphertext)).decode()
    return json.dumps(outer).encode()


def test_tampered_package_is_refused(closed_case, transfer_keys):
    transfer = transfer_package_build(transfer_id=closed_case.transfer.pk)
    raw = transfer_keys["raw"]
    with pytest.raises(PackageRefused) as refused:
        open_package(
            data=_tampered(bytes(transfer.package)),
            private_key=raw["ctp.key"],
            sender_public_key=raw["transfer_signing.pub"],
        )
    assert refused.value.code == "WRONG_KEY_OR_TAMPERED"


def test_changed_header_is_refused(closed_case, transfer_keys):
    transfer = transfer_package_build(transfer_id=closed_case.transfer.pk)
    outer = json.loads(bytes(transfer.package))
    outer["header"]["package_id"] = "00000000-0000-0000-0000-000000000000"
    raw = transfer_keys["raw"]
    with pytest.raises(PackageRefused):
        open_package(
            data=json.dumps(outer).encode(), private_key=raw["ctp.key"], sender_public_key=raw["transfer_signing.pub"]
        )


def test_wrong_private_key_is_refused(closed_case, transfer_keys):
    transfer = transfer_package_build(transfer_id=closed_case.transfer.pk)
    with pytest.raises(PackageRefused) as refused:
        open_package(
            data=bytes(transfer.package),
            private_key=x25519_private_key_new(),
            sender_public_key=transfer_keys["raw"]["transfer_signing.pub"],
        )
    assert refused.value.code == "WRONG_KEY_OR_TAMPERED"


def test_package_signed_by_another_sender_is_refused(closed_case, transfer_keys):
    transfer = transfer_package_build(transfer_id=closed_case.transfer.pk)
    with pytest.raises(PackageRefused) as refused:
        open_package(
            data=bytes(transfer.package),
            private_key=transfer_keys["raw"]["ctp.key"],
            sender_public_key=ed25519_public_key(ed25519_private_key_new()),
        )
    assert refused.value.code == "BAD_SIGNATURE"


@pytest.mark.parametrize("data", [b"", b"\x00\xff random bytes", b"{}", b'{"header": {"format": 1}}'])
def test_random_bytes_are_refused(transfer_keys, data):
    with pytest.raises(PackageRefused):
        open_package(
            data=data,
            private_key=transfer_keys["raw"]["ctp.key"],
            sender_public_key=transfer_keys["raw"]["transfer_signing.pub"],
        )


def test_delivery_writes_the_package_to_the_drop_folder(closed_case, transfer_keys, settings, assert_audited):
    transfer = transfer_deliver(transfer_id=closed_case.transfer.pk)
    assert transfer.stage == TransferStage.DELIVERED
    dropped = list(Path(settings.TRANSFER_DROP_DIR).iterdir())
    assert [path.name for path in dropped] == [f"{transfer.package_id}.prevent-transfer.json"]
    assert dropped[0].read_bytes() == bytes(transfer.package)
    assert_audited("TRANSFER_PACKAGE_DELIVERED", closed_case, transport="drop_folder", attempts=1)
    again = transfer_deliver(transfer_id=transfer.pk)  # delivered once: not sent again
    assert again.delivery_attempts == 1
