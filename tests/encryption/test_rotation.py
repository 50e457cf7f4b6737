"""Key rotation: data readable before, during (interrupted) and after; retirement refused, then allowed."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from encryption.keyring import keyring_reset
from encryption.models import DataKey
from encryption.services import RewrapProgress, data_keys_rewrap
from encryption.signals import data_keys_rewrapped, kek_retired, key_rotated
from tests.testapp.models import Case

from .conftest import ring

pytestmark = pytest.mark.django_db


@pytest.fixture
def ring_file(settings, tmp_path):
    """A development key ring in a file with one key, test-1, active."""
    path = tmp_path / "keyring.json"
    path.write_text(ring("test-1", test_1=b"k" * 32))
    settings.DEV_KEYS_DIR = tmp_path
    settings.ENCRYPTION_KEYRING = f"file:{path}"
    return path


def _narratives() -> list[str]:
    # A fresh query each time, outside any scope: every read unwraps its data key again.
    return sorted(case.narrative for case in Case.objects.all())


def _keks() -> dict[str, int]:
    counts: dict[str, int] = {}
    for kek_id in DataKey.objects.filter(wrapped_key__isnull=False).values_list("kek_id", flat=True):
        counts[kek_id] = counts.get(kek_id, 0) + 1
    return counts


def test_rotation_keeps_data_readable_before_during_and_after(ring_file, make_case):
    for i in range(7):
        make_case(narrative=f"case {i}")
    expected = [f"case {i}" for i in range(7)]
    assert _narratives() == expected
    call_command("rotate_keys", "--generate", stdout=(out := _Out()))
    assert "Added key dev-2" in out.text
    assert json.loads(ring_file.read_text())["active"] == "dev-2"
    assert _keks() == {"dev-2": 7}
    assert _narratives() == expected


def test_interrupted_rotation_resumes_and_data_stays_readable(settings, make_case):
    for i in range(7):
        make_case(narrative=f"case {i}")
    settings.ENCRYPTION_KEYRING = ring("test-2", test_1=b"k" * 32, test_2=b"n" * 32)

    def interrupt(progress: RewrapProgress) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        data_keys_rewrap(batch_size=3, on_batch=interrupt)
    assert _keks() == {"test-1": 4, "test-2": 3}
    assert _narratives() == [f"case {i}" for i in range(7)]
    assert make_case(narrative="created during").data_key.kek_id == "test-2"

    progress = data_keys_rewrap(batch_size=3)
    assert progress.done == 4
    assert _keks() == {"test-2": 8}
    assert sorted(_narratives()) == sorted([*(f"case {i}" for i in range(7)), "created during"])


def test_retire_is_refused_while_a_data_key_uses_the_kek_then_allowed(ring_file, make_case):
    make_case(narrative="kept")
    # The operator adds test-2 to the ring and makes it active (processes restart: the ring is read again).
    ring_file.write_text(ring("test-2", test_1=b"k" * 32, test_2=b"n" * 32))
    keyring_reset()
    make_case(narrative="late")
    with pytest.raises(CommandError, match=r"still wraps 1 data key"):
        call_command("rotate_keys", "--retire", "test-1", stdout=_Out())
    with pytest.raises(CommandError, match="active key"):
        call_command("rotate_keys", "--retire", "test-2", stdout=_Out())

    call_command("rotate_keys", stdout=_Out())
    call_command("rotate_keys", "--retire", "test-1", stdout=(out := _Out()))
    assert "Retired test-1" in out.text
    assert set(json.loads(ring_file.read_text())["keys"]) == {"test-2"}
    with pytest.raises(CommandError, match="not in the key ring"):
        call_command("rotate_keys", "--retire", "test-1", stdout=_Out())
    keyring_reset()
    assert _narratives() == ["kept", "late"]


def test_retire_with_a_ring_in_the_environment_tells_the_operator(settings, make_case):
    make_case(narrative="x")
    settings.ENCRYPTION_KEYRING = ring("test-2", test_1=b"k" * 32, test_2=b"n" * 32)
    call_command("rotate_keys", stdout=_Out())
    call_command("rotate_keys", "--retire", "test-1", stdout=(out := _Out()))
    assert "remove it from ENCRYPTION_KEYRING in the environment" in out.text


def test_generate_is_refused_under_production_settings(ring_file, settings):
    settings.ENVIRONMENT = "production"
    with pytest.raises(CommandError, match="refuses production"):
        call_command("rotate_keys", "--generate", stdout=_Out())


def test_rotation_and_retirement_send_signals_for_audit(settings, make_case):
    make_case(narrative="x")
    settings.ENCRYPTION_KEYRING = ring("test-2", test_1=b"k" * 32, test_2=b"n" * 32)
    seen = []

    def listener(signal, **kwargs):
        seen.append((signal, kwargs.get("kek_id")))

    for signal in (data_keys_rewrapped, key_rotated, kek_retired):
        signal.connect(listener, weak=False, dispatch_uid=f"test-{id(signal)}")
    try:
        call_command("rotate_keys", stdout=_Out())
        call_command("rotate_keys", "--retire", "test-1", stdout=_Out())
    finally:
        for signal in (data_keys_rewrapped, key_rotated, kek_retired):
            signal.disconnect(dispatch_uid=f"test-{id(signal)}")
    assert seen == [(data_keys_rewrapped, "test-2"), (key_rotated, "test-2"), (kek_retired, "test-1")]


class _Out:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


def test_progress_bar_only_on_a_terminal(settings, make_case, monkeypatch, capsys):
    from django.core.management.base import OutputWrapper

    make_case(narrative="x")
    settings.ENCRYPTION_KEYRING = ring("test-2", test_1=b"k" * 32, test_2=b"n" * 32)
    call_command("rotate_keys", stdout=_Out())
    assert "Rewrapping" not in capsys.readouterr().err

    make_case(narrative="y")
    settings.ENCRYPTION_KEYRING = ring("test-3", test_1=b"k" * 32, test_2=b"n" * 32, test_3=b"m" * 32)
    monkeypatch.setattr(OutputWrapper, "isatty", lambda self: True)
    call_command("rotate_keys", stdout=_Out())
    assert "Rewrapping under test-3" in capsys.readouterr().err


@pytest.mark.parametrize("size", ["0", "-1", "99999999999999999999"])
def test_a_batch_size_below_one_or_beyond_any_limit_is_refused_and_nothing_is_rewrapped(settings, make_case, size):
    # 0 once rewrapped nothing and still said every data key was under the active key; -1 and a number past
    # the database's limits ended in a traceback.
    make_case(narrative="x")
    settings.ENCRYPTION_KEYRING = ring("test-2", test_1=b"k" * 32, test_2=b"n" * 32)
    with pytest.raises(CommandError) as error:
        call_command("rotate_keys", "--batch-size", size, stdout=(out := _Out()))
    assert str(error.value) == "--batch-size must be a whole number from 1 to 100,000."
    assert out.text == ""
    assert _keks() == {"test-1": 1}


@pytest.mark.parametrize("kek_id", ["", "  "])
def test_an_empty_retire_is_refused_not_taken_for_a_rotation(settings, make_case, kek_id):
    # `rotate_keys --retire "$KEY"` with the variable unset once rewrapped every data key and exited 0.
    make_case(narrative="x")
    settings.ENCRYPTION_KEYRING = ring("test-2", test_1=b"k" * 32, test_2=b"n" * 32)
    with pytest.raises(CommandError) as error:
        call_command("rotate_keys", "--retire", kek_id, stdout=(out := _Out()))
    assert str(error.value) == "--retire needs the id of the key-encryption key to retire; nothing was changed."
    assert out.text == ""
    assert _keks() == {"test-1": 1}


def test_generate_and_retire_together_are_refused(ring_file, make_case):
    # --retire once silently won over --generate.
    make_case(narrative="x")
    before = ring_file.read_text()
    with pytest.raises(CommandError) as error:
        call_command("rotate_keys", "--generate", "--retire", "test-1", stdout=_Out())
    assert str(error.value) == "Give --generate or --retire, not both: nothing was changed."
    assert ring_file.read_text() == before
