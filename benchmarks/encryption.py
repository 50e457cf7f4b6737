"""Encryption benchmark (`make bench-encryption`): prints figures, asserts nothing.

1. Encrypt + decrypt of 1 KB values through the model field, using the ORM's own
   conversion calls (pre_save, get_db_prep_save, from_db_value, attribute access),
   against django-fernet-encrypted-fields and against bare AES-256-GCM on the same bytes.
2. Reading 1,000 rows of a model with 10 encrypted fields against the same model with
   plain fields (in-memory SQLite), rows sharing one case key and rows with a key each.
"""

from __future__ import annotations

import gc
import os
import secrets
import string
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])  # in place of benchmarks/ (its queue.py)
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
os.environ["DATABASE_URL"] = "sqlite://:memory:"

import django  # noqa: E402

django.setup()

from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from encryption.datakeys import data_key_generate  # noqa: E402
from encryption.keyring import keyring_get  # noqa: E402
from encryption.models import DataKey  # noqa: E402
from encryption.scope import data_key_scope  # noqa: E402
from tests.testapp.models import WideEncrypted, WidePlain  # noqa: E402

VALUE_OPS = 5_000
ROWS = 1_000
REPEATS = 25
FIELDS = [f"f{i}" for i in range(10)]


def best_of(runs: dict[str, Callable[[], None]], repeats: int = REPEATS) -> dict[str, float]:
    """Best wall time of each run in seconds, the runs interleaved so machine noise hits them alike.

    The garbage collector is paused while timing, as timeit does.
    """
    best = dict.fromkeys(runs, float("inf"))
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeats):
            for name, run in runs.items():
                start = time.perf_counter()
                run()
                best[name] = min(best[name], time.perf_counter() - start)
    finally:
        gc.enable()
    return best


def new_data_key() -> DataKey:
    # Written directly rather than through case_key_create: the benchmark database has no audit tables
    # for the key-event receivers to write to.
    data_key = DataKey()
    data_key.kek_id, data_key.wrapped_key = keyring_get().wrap(data_key_id=data_key.pk, key=data_key_generate())
    data_key.save(force_insert=True)
    return data_key


def text(length: int) -> str:
    alphabet = string.ascii_letters + string.digits + " "
    return "".join(secrets.choice(alphabet) for _ in range(length))


def bench_values() -> dict[str, float]:
    value = text(1024)
    data_key = new_data_key()
    field = WideEncrypted._meta.get_field("f0")
    writer = WideEncrypted(data_key=data_key, f0=value)
    reader = WideEncrypted(pk=writer.pk, data_key=data_key)

    def ours() -> None:
        for _ in range(VALUE_OPS):
            stored = field.get_db_prep_save(field.pre_save(writer, False), connection)
            reader.f0 = field.from_db_value(stored, None, connection)
            assert reader.f0 is not None

    from encrypted_fields.fields import EncryptedTextField as FernetTextField

    settings.SALT_KEY = "benchmark-salt"
    fernet = FernetTextField()
    fernet.set_attributes_from_name("f0")
    fernet.get_db_prep_save(value, connection)  # derives its key once (PBKDF2), outside the timing

    def fernet_field() -> None:
        for _ in range(VALUE_OPS):
            stored = fernet.get_db_prep_save(value, connection)
            assert fernet.from_db_value(stored, None, connection) is not None

    aead = AESGCM(AESGCM.generate_key(bit_length=256))
    data = value.encode()

    def bare() -> None:
        for _ in range(VALUE_OPS):
            nonce = os.urandom(12)
            assert aead.decrypt(nonce, aead.encrypt(nonce, data, None), None)

    with data_key_scope():
        best = best_of({"ours": ours, "fernet": fernet_field, "bare": bare})
    return {name: seconds / VALUE_OPS * 1e6 for name, seconds in best.items()}


def fill_rows() -> None:
    shared = new_data_key()
    values = {name: text(100) for name in FIELDS}
    for model in (WideEncrypted, WidePlain):
        model.objects.bulk_create([model(data_key=shared, **values) for _ in range(ROWS)], batch_size=500)
    each = [new_data_key() for _ in range(ROWS)]
    with data_key_scope():
        for model in (WideEncrypted, WidePlain):
            model.objects.bulk_create([model(data_key=key, **values) for key in each], batch_size=500)
    return shared


def bench_rows(shared: DataKey) -> dict[str, float]:
    def read(model, *, shared_key: bool, access: bool) -> Callable[[], None]:
        def run() -> None:
            # A fresh scope per run, as a request would have: unwrapping is part of the cost.
            with data_key_scope():
                query = model.objects.select_related("data_key")
                query = query.filter(data_key=shared) if shared_key else query.exclude(data_key=shared)
                rows = list(query)
                assert len(rows) == ROWS
                if access:
                    for row in rows:
                        for name in FIELDS:
                            getattr(row, name)

        return run

    results = {}
    for shared_key in (True, False):
        for access in (True, False):
            best = best_of(
                {
                    "enc": read(WideEncrypted, shared_key=shared_key, access=access),
                    "plain": read(WidePlain, shared_key=shared_key, access=access),
                }
            )
            results[(shared_key, access)] = (best["enc"] * 1e3, best["plain"] * 1e3)
    return results


def main() -> None:
    with connection.schema_editor() as editor:
        for model in (DataKey, WideEncrypted, WidePlain):
            editor.create_model(model)
    values = bench_values()
    print(f"1 KB value, encrypt + decrypt through the model field ({VALUE_OPS} values, best of {REPEATS}):")
    print(f"  this field (AES-256-GCM, per-case key) {values['ours']:8.2f} us")
    print(f"  django-fernet-encrypted-fields          {values['fernet']:8.2f} us")
    print(f"  bare AES-256-GCM (cryptography)         {values['bare']:8.2f} us")
    print(f"  ratio Fernet / this field               {values['fernet'] / values['ours']:8.2f}x (target >= 5x)")
    print(f"  ratio this field / bare AES-GCM         {values['ours'] / values['bare']:8.2f}x (target <= 3x)")
    rows = bench_rows(fill_rows())
    print(f"Reading {ROWS} rows x {len(FIELDS)} fields of 100 characters (in-memory SQLite, best of {REPEATS}):")
    for (shared_key, access), (enc, plain) in rows.items():
        keys = "one case key for all rows" if shared_key else "a data key per row (select_related)"
        what = "load and read every field" if access else "load only (decryption is lazy)"
        print(f"  {keys:37} {what:32} encrypted {enc:7.2f} ms  plain {plain:7.2f} ms  ratio {enc / plain:5.2f}x")
    print("  (target for the ratio: at most 2x)")


if __name__ == "__main__":
    main()
