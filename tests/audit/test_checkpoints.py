"""Signed checkpoints anchor the chain outside the database: a cut tail or a rewritten chain is found."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from audit import checkpoints, tasks
from audit import services as audit
from audit.chain import event_body, hmac_key, mac
from audit.checkpoints import Checkpoint, key_id
from audit.models import AuditEvent
from audit.verification import chain_check
from encryption.signing import ed25519_public_key, ed25519_sign
from tests.audit_testing import triggers_suspended

pytestmark = pytest.mark.django_db

REFERENCE = "PRV-2026-000778"
FILE_5 = "checkpoint-000000000005.json"


def _record(actor, count: int) -> None:
    for number in range(count):
        audit.record(
            actor=actor,
            action=audit.AuditAction.REFERRAL_DRAFT_SAVED,
            case_reference=REFERENCE,
            details={"fields_changed": number},
        )


@pytest.fixture
def five_events(triage_officer):
    _record(triage_officer, 5)


class _Out:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


def _run(command: str, *args: str) -> tuple[int, str]:
    out = _Out()
    try:
        call_command(command, *args, stdout=out)
    except CommandError as error:
        return error.returncode, str(error)
    return 0, out.text


def _folder() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR)


def _checkpoint_now() -> dict:
    code, text = _run("audit_checkpoint")
    assert code == 0, text
    return json.loads(text)


@pytest.mark.usefixtures("five_events")
def test_audit_checkpoint_writes_one_signed_file_and_prints_it():
    code, text = _run("audit_checkpoint")
    assert code == 0
    printed = json.loads(text)
    event = AuditEvent.objects.get(sequence=5)
    assert (printed["version"], printed["sequence"], printed["mac"]) == (1, 5, event.mac)
    assert printed["created_at"].endswith("+00:00")
    assert set(printed) == {"version", "sequence", "mac", "created_at", "key_id", "signature"}
    assert [p.name for p in _folder().iterdir()] == [FILE_5]
    assert (_folder() / FILE_5).read_text() == text
    code, text = _run("verify_audit")
    assert code == 0
    assert "5 events verified, chain intact, 1 signed checkpoint matched" in text


def test_audit_checkpoint_refuses_an_empty_chain_in_one_line():
    code, text = _run("audit_checkpoint")
    assert code == 1
    assert text == "The audit chain is empty: there is no event to anchor yet."
    assert not _folder().exists() or list(_folder().iterdir()) == []


def test_a_checkpoint_is_never_overwritten_and_a_new_event_gets_a_new_file(triage_officer):
    _record(triage_officer, 2)
    first = _checkpoint_now()
    code, text = _run("audit_checkpoint")
    assert code == 1
    assert "checkpoint-000000000002.json exists already" in text
    assert json.loads((_folder() / "checkpoint-000000000002.json").read_text()) == first
    _record(triage_officer, 1)
    assert _checkpoint_now()["sequence"] == 3
    assert sorted(p.name for p in _folder().iterdir()) == [
        "checkpoint-000000000002.json",
        "checkpoint-000000000003.json",
    ]


def test_the_hourly_task_writes_a_checkpoint_and_skips_an_unchanged_chain(triage_officer):
    assert tasks.audit_checkpoint_create() == {"sequence": None}
    _record(triage_officer, 3)
    assert tasks.audit_checkpoint_create() == {"sequence": 3, "file": "checkpoint-000000000003.json"}
    assert tasks.audit_checkpoint_create() == {"sequence": None}


def test_beat_writes_a_checkpoint_every_hour():
    entry = settings.CELERY_BEAT_SCHEDULE["audit-checkpoint-create"]
    assert entry["task"] == "audit.audit_checkpoint_create"
    assert entry["schedule"].hour == set(range(24))
    assert entry["schedule"].minute == {5}


def _cut_tail_and_move_head_back() -> None:
    """What someone with DDL rights can do: drop the triggers, delete events 4 and 5, move the head to 3."""
    third = AuditEvent.objects.get(sequence=3)
    with triggers_suspended(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE sequence > 3")
        cursor.execute("UPDATE audit_chainhead SET sequence = 3, mac = %s", [third.mac])


@pytest.mark.usefixtures("five_events")
def test_a_cut_tail_with_the_head_moved_back_is_found_through_a_checkpoint():
    _checkpoint_now()
    _cut_tail_and_move_head_back()
    assert chain_check(checkpoint_dir=_folder() / "none").intact  # without the anchor it looks intact
    code, text = _run("verify_audit")
    assert code == 1
    assert text.startswith("Audit chain broken at sequence 4: the chain ends at sequence 3 but checkpoint ")
    assert FILE_5 in text


def _rewrite_from(sequence: int) -> None:
    """Someone holding the database and AUDIT_HMAC_KEY edits an event and recomputes every MAC after it."""
    key = hmac_key()
    previous = AuditEvent.objects.get(sequence=sequence - 1).mac
    with triggers_suspended(), connection.cursor() as cursor:
        for event in AuditEvent.objects.filter(sequence__gte=sequence).order_by("sequence"):
            if event.sequence == sequence:
                event.reason_code = "EDITED"
            new_mac = mac(key, event.sequence, previous, event_body(event))
            cursor.execute(
                "UPDATE audit_auditevent SET reason_code = %s, previous_mac = %s, mac = %s WHERE sequence = %s",
                [event.reason_code, previous, new_mac, event.sequence],
            )
            previous = new_mac
        cursor.execute("UPDATE audit_chainhead SET mac = %s", [previous])


@pytest.mark.usefixtures("five_events")
def test_a_chain_rewritten_with_the_hmac_key_differs_from_its_checkpoint():
    _checkpoint_now()
    _rewrite_from(3)
    assert chain_check(checkpoint_dir=_folder() / "none").intact  # the MACs alone are all consistent
    code, text = _run("verify_audit")
    assert code == 1
    assert text.startswith(f"Audit chain broken at sequence 5: the chain differs from checkpoint {FILE_5}")


def _edit_file(change) -> None:
    path = _folder() / FILE_5
    data = json.loads(path.read_text())
    change(data)
    path.chmod(0o644)
    path.write_text(json.dumps(data))


def _other_signature(data: dict) -> None:
    raw = bytearray(base64.urlsafe_b64decode(data["signature"]))
    raw[0] ^= 1
    data["signature"] = base64.urlsafe_b64encode(bytes(raw)).decode()


@pytest.mark.usefixtures("five_events")
@pytest.mark.parametrize(
    "change",
    [
        lambda data: data.update(sequence=4),
        lambda data: data.update(mac="0" * 64),
        lambda data: data.update(created_at="2020-01-01T00:00:00+00:00"),
        _other_signature,
    ],
    ids=["sequence", "mac", "time", "signature"],
)
def test_a_tampered_checkpoint_fails_verification_naming_it(change):
    _checkpoint_now()
    _edit_file(change)
    code, text = _run("verify_audit")
    assert code == 1
    assert f"checkpoint {FILE_5}" in text
    assert "bad signature" in text or "renamed" in text


@pytest.mark.usefixtures("five_events")
def test_a_checkpoint_signed_by_another_key_fails_verification():
    other_seed = b"o" * 32
    event = AuditEvent.objects.get(sequence=5)
    unsigned = Checkpoint(1, 5, event.mac, "2026-11-28T06:00:00+00:00", key_id(ed25519_public_key(other_seed)))
    signature = base64.urlsafe_b64encode(ed25519_sign(other_seed, unsigned.signed_bytes())).decode()
    _folder().mkdir(parents=True, exist_ok=True)
    (_folder() / FILE_5).write_text(Checkpoint(**{**unsigned.__dict__, "signature": signature}).to_json())
    code, text = _run("verify_audit")
    assert code == 1
    assert f"checkpoint {FILE_5} is signed by another key" in text

    # The same, claiming our key's id: the signature itself fails.
    ours = key_id(base64.urlsafe_b64decode(settings.AUDIT_CHECKPOINT_PUBLIC_KEY))
    _edit_file(lambda data: data.update(key_id=ours))
    code, text = _run("verify_audit")
    assert code == 1
    assert f"checkpoint {FILE_5} has a bad signature" in text


@pytest.mark.usefixtures("five_events")
def test_a_signing_key_that_does_not_match_the_public_key_writes_nothing(settings):
    settings.AUDIT_CHECKPOINT_PUBLIC_KEY = base64.urlsafe_b64encode(ed25519_public_key(b"p" * 32)).decode()
    code, text = _run("audit_checkpoint")
    assert code == 1
    assert "signed by another key" in text
    assert not _folder().exists() or list(_folder().iterdir()) == []


@pytest.mark.usefixtures("five_events")
def test_verify_audit_checks_a_copied_folder_of_checkpoints(tmp_path):
    _checkpoint_now()
    copy = tmp_path / "from-write-once-storage"
    copy.mkdir()
    (copy / FILE_5).write_bytes((_folder() / FILE_5).read_bytes())
    (_folder() / FILE_5).chmod(0o644)
    (_folder() / FILE_5).unlink()  # the server's own copy is gone
    _cut_tail_and_move_head_back()
    assert _run("verify_audit")[0] == 0
    code, text = _run("verify_audit", "--checkpoints", str(copy))
    assert code == 1
    assert FILE_5 in text


@pytest.mark.usefixtures("five_events")
def test_the_nightly_check_emails_the_newest_checkpoint_to_the_auditors(auditor, other_auditor, prevent_lead):
    newest = _checkpoint_now()
    result = tasks.audit_chain_verify()
    assert result["intact"] is True
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([auditor.email, other_auditor.email])
    assert "checkpoint 5" in message.subject
    for value in (FILE_5, newest["mac"], newest["signature"], newest["created_at"]):
        assert value in message.body
    assert REFERENCE not in message.body + message.subject
    assert "@" not in message.body + message.subject


@pytest.mark.usefixtures("five_events")
def test_the_nightly_check_tells_the_auditors_when_no_checkpoint_exists(auditor):
    assert tasks.audit_chain_verify()["intact"] is True
    assert [m.subject for m in mail.outbox] == [
        f"{settings.SERVICE_NAME}: audit log checked, but no signed checkpoint exists"
    ]
    assert mail.outbox[0].to == [auditor.email]


@pytest.mark.usefixtures("five_events")
def test_the_nightly_check_reports_a_cut_tail_found_by_a_checkpoint(auditor):
    _checkpoint_now()
    _cut_tail_and_move_head_back()
    result = tasks.audit_chain_verify()
    assert result == {"intact": False, "verified": 3, "first_bad_sequence": 4}
    assert len(mail.outbox) == 1
    assert "audit log check failed" in mail.outbox[0].subject
    assert FILE_5 in mail.outbox[0].body


def test_checkpoint_write_never_replaces_an_existing_file(tmp_path):
    first = checkpoints.checkpoint_sign(sequence=7, mac="a" * 64, created_at="2026-11-28T06:00:00+00:00")
    second = checkpoints.checkpoint_sign(sequence=7, mac="b" * 64, created_at="2026-11-28T07:00:00+00:00")
    path = checkpoints.checkpoint_write(first, tmp_path)
    with pytest.raises(checkpoints.NothingToAnchor, match="never overwritten"):
        checkpoints.checkpoint_write(second, tmp_path)
    assert json.loads(path.read_text())["mac"] == "a" * 64
    assert [p.name for p in tmp_path.iterdir()] == ["checkpoint-000000000007.json"]  # no temporary file left
    assert path.stat().st_mode & 0o222 == 0


@pytest.mark.usefixtures("five_events")
@pytest.mark.parametrize("kind", ["missing", "empty"])
def test_verify_audit_refuses_a_checkpoint_folder_that_holds_no_checkpoint(tmp_path, kind):
    # A mistyped path to the write-once copy, or a copy that never arrived, checked nothing and said "intact".
    _checkpoint_now()
    _cut_tail_and_move_head_back()
    copy = tmp_path / "from-write-once-storage"
    if kind == "empty":
        copy.mkdir()
    code, text = _run("verify_audit", "--checkpoints", str(copy))
    assert code == 1
    assert "\n" not in text.strip()
    assert "no checkpoint" in text


@pytest.mark.parametrize(
    "command", [("audit_checkpoint",), ("verify_audit",), ("grant_app_role", "--role", "prevent_app")]
)
def test_an_unknown_database_is_one_line(five_events, command):
    # Django's ConnectionDoesNotExist once ended these commands in a traceback.
    assert _run(*command, "--database", "nope") == (1, "Unknown --database 'nope': give one of default.")


@pytest.mark.parametrize(("command", "option"), [("audit_checkpoint", "--dir"), ("verify_audit", "--checkpoints")])
def test_an_empty_folder_option_is_refused_not_taken_for_the_current_folder(five_events, command, option, tmp_path):
    # `--dir "$DIR"` with the variable unset once wrote the checkpoint into the current folder.
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        assert _run(command, option, " ") == (1, f"{option} needs a folder; an empty one is refused.")
    assert list(tmp_path.iterdir()) == []


def test_audit_checkpoint_into_a_file_is_one_line_and_writes_nothing(five_events, tmp_path):
    # A file where the folder should be once ended in a FileExistsError traceback.
    target = tmp_path / "notes.txt"
    target.write_text("kept")
    code, text = _run("audit_checkpoint", "--dir", str(target))
    assert (code, text) == (1, f"Cannot write a checkpoint into {target}: it is a file, not a folder.")
    assert target.read_text() == "kept"
    assert not list(_folder().glob("checkpoint-*.json"))


@pytest.mark.parametrize("content", ["[" * 100_000 + "]" * 100_000, '{"sequence": 1' + "0" * 5000 + "}"])
def test_a_checkpoint_too_deep_or_with_a_number_too_long_is_named_in_one_line(five_events, tmp_path, content):
    # RecursionError, and the ValueError of an over-long integer, are no JSONDecodeError: both were tracebacks.
    (tmp_path / FILE_5).write_text(content)
    code, text = _run("verify_audit", "--checkpoints", str(tmp_path))
    assert code == 1
    assert text == (
        f"Audit chain broken: checkpoint {FILE_5} is not a checkpoint file (unreadable JSON or unknown fields) "
        "(0 events verified before it)"
    )
