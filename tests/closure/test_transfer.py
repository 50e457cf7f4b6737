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


def test_package_holds_the_channel_panel_vaf_consent_and_support_records(  # noqa: PLR0917 - fixtures
    transfer_keys, referrer, triage_officer, channel_chair, police_prevent_officer, local_authority
):
    """A Channel case with a meeting's minutes, a VAF assessment, consent and an intervention with a session, then
    withdrawn (which closes the case): every one of their encrypted texts is in the opened package."""
    from django.utils import timezone

    from channel.meetings import services as meetings
    from channel.models import ChannelCase, InterventionType, Panel, PanelMember
    from channel.services import channel_case_transition
    from channel.support.consent import consent_record
    from channel.support.plan import intervention_create, intervention_session_log
    from channel.support.selectors import vaf_catalogue_current
    from channel.support.vaf import vaf_assessment_create
    from referrals import services
    from tests.channel.steps import take
    from tests.channel.support.reference import channel_reference_seed
    from tests.referrals.factories import information_gathering_referral

    channel_reference_seed()
    today = timezone.localdate()
    referral = services.referral_refer_to_channel(
        referral=information_gathering_referral(user=referrer, screener=triage_officer), actor=triage_officer
    )
    channel_case = ChannelCase.objects.select_related("referral").get(referral=referral)
    panel = Panel.objects.create(local_authority=local_authority, name="Panel", chair=channel_chair, police_force="X")
    for user, sector in ((channel_chair, "local_authority"), (police_prevent_officer, "police")):
        PanelMember.objects.create(panel=panel, user=user, sector=sector)
    meeting = meetings.meeting_create(panel=panel, actor=channel_chair, date=today)
    item = meetings.agenda_item_add(meeting=meeting, actor=channel_chair, channel_case=channel_case)
    meetings.minutes_record(item=item, actor=channel_chair, text="Canary-minutes-5e1")
    channel_case_transition(channel_case=channel_case, actor=channel_chair, transition="adopt", note="Adopted.")
    catalogue = vaf_catalogue_current()
    ratings = {str(factor.pk): (1, "Canary-evidence-7b2") for factor in catalogue.factors.all()}
    vaf_assessment_create(
        channel_case=channel_case,
        actor=channel_chair,
        catalogue=catalogue,
        occasion="adoption",
        assessed_on=today,
        ratings=ratings,
        agenda_item=item,
    )
    consent_record(
        channel_case=channel_case,
        actor=triage_officer,
        outcome="given",
        given_by="person",
        decided_on=today,
        how_obtained="in_person",
        note="Canary-consent-3c9",
    )
    channel_case.refresh_from_db()
    intervention = intervention_create(
        channel_case=channel_case,
        actor=channel_chair,
        intervention_type=InterventionType.objects.get(code="EDUCATION_TRAINING_EMPLOYMENT"),
        planned_start=today,
        owner=triage_officer,
    )
    intervention_session_log(
        intervention=intervention, actor=triage_officer, held_on=today, duration_minutes=45, note="Canary-session-9d4"
    )
    channel_case.refresh_from_db()
    take(channel_case, "withdraw", channel_chair)
    referral.refresh_from_db()
    transfer = transfer_package_build(transfer_id=referral.transfer.pk)
    channel = _open(transfer, transfer_keys).document["case"]["channel"]
    assert channel["panel"][0]["minutes"]["text"] == "Canary-minutes-5e1"
    assert channel["panel"][0]["meeting"]["date"] == today.isoformat()
    assessment = channel["vaf_assessments"][0]
    assert assessment["catalogue_version"] == catalogue.version
    assert len(assessment["ratings"]) == 22
    assert {rating["evidence"] for rating in assessment["ratings"]} == {"Canary-evidence-7b2"}
    assert channel["consents"][0]["note"] == "Canary-consent-3c9"
    assert channel["interventions"][0]["intervention_type"] == "EDUCATION_TRAINING_EMPLOYMENT"
    assert channel["interventions"][0]["sessions"][0]["note"] == "Canary-session-9d4"
    jsonschema.validate(_open(transfer, transfer_keys).document, json.loads(SCHEMA.read_text()))
