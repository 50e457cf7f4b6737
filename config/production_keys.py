"""Production refuses development, reused and malformed keys when its settings load.

Deployment policy about the service's own key settings (the encryption key ring, the blind index,
the audit chain and checkpoint keys), so it lives with the settings, not in core's generic key loading.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from core.keys import FILE_PREFIX, decode_key, load_key, load_keyring


def assert_production_key_settings(  # noqa: PLR0913 - one argument per key setting
    *,
    keyring: str,
    blind_index_key: str,
    audit_hmac_key: str,
    dev_keys_dir: Path | None,
    checkpoint_signing_key: str = "",
    checkpoint_public_key: str = "",
) -> None:
    """Refuse development keys, the development key folder, reused and malformed keys."""
    for name, value in (
        ("ENCRYPTION_KEYRING", keyring),
        ("BLIND_INDEX_KEY", blind_index_key),
        ("AUDIT_HMAC_KEY", audit_hmac_key),
        ("AUDIT_CHECKPOINT_SIGNING_KEY", checkpoint_signing_key),
        ("AUDIT_CHECKPOINT_PUBLIC_KEY", checkpoint_public_key),
    ):
        if value.startswith(FILE_PREFIX) and dev_keys_dir is not None:
            path = Path(value[len(FILE_PREFIX) :]).resolve()
            if Path(dev_keys_dir).resolve() in path.parents:
                raise ImproperlyConfigured(f"{name} points into the development key folder.")
        if value.startswith(FILE_PREFIX) and ".devkeys" in Path(value[len(FILE_PREFIX) :]).parts:
            raise ImproperlyConfigured(f"{name} points into a development key folder.")
    ring = load_keyring(keyring)
    if ring.get("development"):
        raise ImproperlyConfigured("ENCRYPTION_KEYRING holds development keys; generate real ones.")
    blind = load_key(blind_index_key, "BLIND_INDEX_KEY")
    audit = load_key(audit_hmac_key, "AUDIT_HMAC_KEY")
    singles = [blind, audit]
    if checkpoint_signing_key:
        singles.append(load_key(checkpoint_signing_key, "AUDIT_CHECKPOINT_SIGNING_KEY"))
    ring_keys = [decode_key(str(k), "key") for k in ring["keys"].values()]
    if len(set(singles)) < len(singles) or any(k in singles for k in ring_keys):
        raise ImproperlyConfigured("Every key must be different: reuse one key for two purposes and both weaken.")


def assert_production_transfer_settings(
    *, signing_key: str, ctp_public_key: str, ctp_signing_public_key: str, dev_keys_dir: Path | None
) -> None:
    """The transfer keys (docs/transfer-package.md): real, 32 bytes each, never from a development folder."""
    named = (
        ("TRANSFER_SIGNING_KEY", signing_key),
        ("CTP_PUBLIC_KEY", ctp_public_key),
        ("CTP_SIGNING_PUBLIC_KEY", ctp_signing_public_key),
    )
    for name, value in named:
        if value.startswith(FILE_PREFIX):
            path = Path(value[len(FILE_PREFIX) :]).resolve()
            in_dev_dir = dev_keys_dir is not None and Path(dev_keys_dir).resolve() in path.parents
            if in_dev_dir or ".devkeys" in path.parts:
                raise ImproperlyConfigured(f"{name} points into a development key folder.")
    keys = [load_key(value, name) for name, value in named]
    for (name, _value), key in zip(named, keys, strict=True):
        if len(key) != 32:  # noqa: PLR2004 - Ed25519 seeds and X25519 keys are 32 bytes
            raise ImproperlyConfigured(f"{name} must be exactly 32 bytes of key.")
    if len(set(keys)) < len(keys):
        raise ImproperlyConfigured("TRANSFER_SIGNING_KEY, CTP_PUBLIC_KEY and CTP_SIGNING_PUBLIC_KEY must differ.")


def assert_production_transfer_transport(*, transport: str, url: str, client_cert: str, client_key: str) -> None:
    """Packages leave by HTTPS with a client certificate, or (set on purpose) through a drop folder."""
    if transport not in ("https", "drop_folder"):
        raise ImproperlyConfigured('TRANSFER_TRANSPORT must be "https" or "drop_folder".')
    if transport != "https":
        return
    if not url.startswith("https://"):
        raise ImproperlyConfigured(
            "TRANSFER_HTTPS_URL must be CTP's https:// endpoint when TRANSFER_TRANSPORT is https."
        )
    if not client_cert.strip() or not client_key.strip():
        raise ImproperlyConfigured(
            "Set TRANSFER_HTTPS_CLIENT_CERT and TRANSFER_HTTPS_CLIENT_KEY: CTP's endpoint takes client certificates."
        )
