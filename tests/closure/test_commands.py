"""The operator's and the recipient's commands: exit codes and one-line refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from closure.models import TransferStage
from closure.services import transfer_deliver
from encryption.sealing import x25519_private_key_new
from referrals.choices import ReferralStatus

from .conftest import ATTACHMENT_CANARY, SUMMARY_CANARY

pytestmark = pytest.mark.django_db


@pytest.fixture
def dropped(closed_case, settings):
    transfer = transfer_deliver(transfer_id=closed_case.transfer.pk)
    return transfer, Path(settings.TRANSFER_DROP_DIR) / f"{transfer.package_id}.prevent-transfer.json"


def _refused(command: str, *args: str) -> str:
    with pytest.raises(CommandError) as error:
        call_command(command, *args)
    message = str(error.value)
    assert message.startswith("Refused")
    assert "\n" not in message
    return message


def test_open_package_writes_the_case_and_its_files(dropped, transfer_keys, tmp_path, canaries):
    _transfer, path = dropped
    out = tmp_path / "opened"
    call_command("open_package", str(path), "--private-key", str(transfer_keys["paths"]["ctp.key"]), "--out", str(out))
    case = (out / "case.json").read_text()
    assert canaries["first_name"] in case
    assert SUMMARY_CANARY in case
    files = [p.read_bytes() for p in (out / "attachments").iterdir()]
    assert ATTACHMENT_CANARY in files


def test_open_package_refuses_tampered_bytes(dropped, transfer_keys, tmp_path):
    _transfer, path = dropped
    outer = json.loads(path.read_bytes())
    outer["ciphertext"] = outer["ciphertext"][:-8] + ("A" * 8 if not outer["ciphertext"].endswith("A" * 8) else "B" * 8)
    bad = tmp_path / "tampered.json"
    bad.write_text(json.dumps(outer))
    message = _refused("open_package", str(bad), "--private-key", str(transfer_keys["paths"]["ctp.key"]))
    assert "does not open with this key, or its bytes were changed" in message
    refused = AuditEvent.objects.filter(action="TRANSFER_PACKAGE_OPEN_REFUSED", reason_code="WRONG_KEY_OR_TAMPERED")
    assert refused.exists()


def test_open_package_refuses_random_bytes(transfer_keys, tmp_path):
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n random")
    _refused("open_package", str(junk), "--private-key", str(transfer_keys["paths"]["ctp.key"]))
    assert AuditEvent.objects.filter(action="TRANSFER_PACKAGE_OPEN_REFUSED", reason_code="MALFORMED").exists()


def test_open_package_refuses_the_wrong_key(dropped, tmp_path):
    import base64

    _transfer, path = dropped
    wrong = tmp_path / "wrong.key"
    wrong.write_text(base64.urlsafe_b64encode(x25519_private_key_new()).decode())
    _refused("open_package", str(path), "--private-key", str(wrong))


def test_open_package_refuses_a_key_file_that_is_not_a_key(dropped, tmp_path):
    _transfer, path = dropped
    binary = tmp_path / "binary.key"
    binary.write_bytes(b"\x87\x00 random bytes, not base64 text")
    message = _refused("open_package", str(path), "--private-key", str(binary))
    assert message == f"Refused: --private-key points at {binary}, which does not hold a base64 key."
    short = tmp_path / "short.key"
    short.write_text("c2hvcnQ=")
    assert "at least 32 bytes" in _refused("open_package", str(path), "--private-key", str(short))


def test_acknowledge_then_receive_receipt(dropped, transfer_keys, tmp_path, capsys):
    transfer, path = dropped
    receipt = tmp_path / "receipt.json"
    call_command(
        "acknowledge_package", str(path), "--private-key", str(transfer_keys["paths"]["ctp.key"]), "--out", str(receipt)
    )
    assert json.loads(receipt.read_text())["package_sha256"] == transfer.package_sha256
    call_command("receive_receipt", str(receipt))
    assert "is transferred to CTP" in capsys.readouterr().out
    transfer.refresh_from_db()
    transfer.referral.refresh_from_db()
    assert transfer.stage == TransferStage.ACKNOWLEDGED
    assert transfer.referral.status == ReferralStatus.TRANSFERRED


def test_receive_receipt_refuses_one_signed_by_another_key(dropped, transfer_keys, tmp_path):
    import base64

    from encryption.signing import ed25519_private_key_new

    _transfer, path = dropped
    other = tmp_path / "other_signing.key"
    other.write_text(base64.urlsafe_b64encode(ed25519_private_key_new()).decode())
    receipt = tmp_path / "receipt.json"
    call_command(
        "acknowledge_package",
        str(path),
        "--private-key",
        str(transfer_keys["paths"]["ctp.key"]),
        "--signing-key",
        str(other),
        "--out",
        str(receipt),
    )
    message = _refused("receive_receipt", str(receipt))
    assert message == "Refused: the receipt is not signed by the configured recipient key (CTP_SIGNING_PUBLIC_KEY)."


def test_receive_receipt_refuses_an_unreadable_file(transfer_keys, tmp_path):
    _refused("receive_receipt", str(tmp_path / "missing.json"))
    junk = tmp_path / "junk.json"
    junk.write_text("not json")
    assert _refused("receive_receipt", str(junk)) == "Refused: this is not a transfer receipt (not JSON)."


@pytest.mark.parametrize("command", ["open_package", "acknowledge_package", "receive_receipt"])
def test_commands_exit_non_zero_with_one_line(transfer_keys, tmp_path, capsys, command):
    """Run as an operator would (manage.py's argv path): one line on stderr and exit status 1."""
    from django.core.management import load_command_class

    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"random bytes")
    argv = ["manage.py", command, str(junk)]
    if command != "receive_receipt":
        argv += ["--private-key", str(transfer_keys["paths"]["ctp.key"])]
    if command == "acknowledge_package":
        argv += ["--out", str(tmp_path / "receipt.json")]
    with pytest.raises(SystemExit) as exit_status:
        load_command_class("closure", command).run_from_argv(argv)
    assert exit_status.value.code == 1
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("CommandError: Refused"), lines


def test_open_package_out_onto_a_file_is_one_line_and_leaves_the_file(dropped, transfer_keys, tmp_path):
    # --out names a folder; a file there once ended in a FileExistsError traceback.
    _transfer, path = dropped
    existing = tmp_path / "notes.txt"
    existing.write_text("kept")
    key = str(transfer_keys["paths"]["ctp.key"])
    message = _refused("open_package", str(path), "--private-key", key, "--out", str(existing))
    assert message == f"Refused: cannot write into --out {existing}: it is a file, not a folder."
    assert existing.read_text() == "kept"


def test_open_package_out_under_a_file_is_one_line(dropped, transfer_keys, tmp_path):
    _transfer, path = dropped
    (tmp_path / "file").write_text("")
    key = str(transfer_keys["paths"]["ctp.key"])
    message = _refused("open_package", str(path), "--private-key", key, "--out", str(tmp_path / "file" / "sub"))
    assert message.startswith(f"Refused: cannot write into --out {tmp_path / 'file' / 'sub'}: ")


def test_open_package_with_an_empty_out_is_refused_not_printed(dropped, transfer_keys, capsys):
    # `--out "$DIR"` with the variable unset once printed the whole case, personal data included.
    _transfer, path = dropped
    key = str(transfer_keys["paths"]["ctp.key"])
    message = _refused("open_package", str(path), "--private-key", key, "--out", "")
    assert message == "Refused: --out is empty: give the folder to write into, or leave it out to print."
    assert capsys.readouterr().out == ""


def test_acknowledge_package_with_an_empty_signing_key_is_refused_not_the_development_key(
    dropped, transfer_keys, tmp_path
):
    _transfer, path = dropped
    receipt = tmp_path / "receipt.json"
    key = str(transfer_keys["paths"]["ctp.key"])
    args = ("acknowledge_package", str(path), "--private-key", key, "--out", str(receipt), "--signing-key", " ")
    message = _refused(*args)
    assert message == "Refused: --signing-key is empty: give CTP's receipt signing key file, or leave it out."
    assert not receipt.exists()


@pytest.mark.parametrize(
    "content",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b'{"version": 1' + b"0" * 5000 + b"}",
    ],
)
def test_json_too_deep_or_a_number_too_long_is_refused_in_one_line(transfer_keys, tmp_path, content):
    # Python's decoder raises RecursionError, or a ValueError that is no JSONDecodeError: both were tracebacks.
    junk = tmp_path / "junk.json"
    junk.write_bytes(content)
    assert _refused("receive_receipt", str(junk)) == "Refused: this is not a transfer receipt (not JSON)."
    key = str(transfer_keys["paths"]["ctp.key"])
    assert (
        _refused("open_package", str(junk), "--private-key", key)
        == "Refused: this is not a transfer package (not JSON)."
    )
    assert AuditEvent.objects.filter(reason_code="MALFORMED").count() == 2
