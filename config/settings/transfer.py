"""Part of the base settings (star-imported by base.py): the transfer of closed cases to CTP (closure app).

Split from base.py only to keep each settings module short; docs/transfer-package.md explains each one.
Keys are the key itself (URL-safe base64) or `file:PATH`; the defaults are development keys that
`manage.py keys_init` writes (production.py requires real ones and refuses these).
"""

from __future__ import annotations

from pathlib import Path

from config.settings.environment import BASE_DIR, env

_DEV_KEYS = Path(env.str("DEV_KEYS_DIR", default=str(BASE_DIR / ".devkeys")))
# This service's Ed25519 private key: it signs every package (CTP checks it with the public key).
TRANSFER_SIGNING_KEY = env("TRANSFER_SIGNING_KEY", default=f"file:{_DEV_KEYS / 'transfer_signing.key'}")
# CTP's X25519 public key: packages are sealed to it (only CTP's private key opens them).
CTP_PUBLIC_KEY = env("CTP_PUBLIC_KEY", default=f"file:{_DEV_KEYS / 'ctp.pub'}")
# CTP's Ed25519 public key: a receipt counts only with its signature (a key pair of its own, not the X25519 one).
CTP_SIGNING_PUBLIC_KEY = env("CTP_SIGNING_PUBLIC_KEY", default=f"file:{_DEV_KEYS / 'ctp_signing.pub'}")
# How packages travel: "drop_folder" (written to TRANSFER_DROP_DIR) or "https" (POSTed to TRANSFER_HTTPS_URL
# with a client certificate; production).
TRANSFER_TRANSPORT = env.str("TRANSFER_TRANSPORT", default="drop_folder")
TRANSFER_DROP_DIR = Path(env.str("TRANSFER_DROP_DIR", default=str(BASE_DIR / "transfer-drop")))
TRANSFER_HTTPS_URL = env.str("TRANSFER_HTTPS_URL", default="")
# PEM files: the client certificate and its key (mutual TLS), and the CA bundle that signs CTP's server (optional).
TRANSFER_HTTPS_CLIENT_CERT = env.str("TRANSFER_HTTPS_CLIENT_CERT", default="")
TRANSFER_HTTPS_CLIENT_KEY = env.str("TRANSFER_HTTPS_CLIENT_KEY", default="")
TRANSFER_HTTPS_CA_FILE = env.str("TRANSFER_HTTPS_CA_FILE", default="")
TRANSFER_HTTPS_TIMEOUT_SECONDS = env.int("TRANSFER_HTTPS_TIMEOUT_SECONDS", default=60)
# The delivery task's own retries (back-off 1, 2, 4 ... minutes, at most 30) before the outbox tries again later.
TRANSFER_DELIVERY_MAX_RETRIES = env.int("TRANSFER_DELIVERY_MAX_RETRIES", default=5)
# Purge (closure.services.purge): days to keep a case after CTP's receipt before it is purged (0: the next sweep).
PURGE_HOLD_DAYS = env.int("PURGE_HOLD_DAYS", default=0)
# Days after closing after which the Prevent lead is told (once, by e-mail) that a case is still not transferred.
TRANSFER_ALERT_DAYS = env.int("TRANSFER_ALERT_DAYS", default=5)
# A transfer not delivered, with no delivery queued, and untouched this long is queued again by the sweep.
TRANSFER_STALLED_MINUTES = env.int("TRANSFER_STALLED_MINUTES", default=60)
# How often the closure sweep runs (purges due, leftover files, stalled transfers, overdue alerts).
CLOSURE_SWEEP_MINUTES = env.int("CLOSURE_SWEEP_MINUTES", default=15)
# Merged into base.py's OUTBOX_HANDLERS and CELERY_BEAT_SCHEDULE.
CLOSURE_OUTBOX_HANDLERS = {
    "closure.transfer_deliver": "closure.services.delivery.transfer_deliver_dispatch",
    "closure.transfer_overdue_notify": "closure.services.sweep.transfer_overdue_notify",
}
CLOSURE_BEAT_SCHEDULE = {
    # Every CLOSURE_SWEEP_MINUTES (15): purge cases past their hold, finish purges, restart stalled transfers.
    "closure-sweep": {"task": "closure.closure_sweep", "schedule": float(CLOSURE_SWEEP_MINUTES * 60)},
}
