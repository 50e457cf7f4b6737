"""Domain signals sent by the encryption services: the audit app subscribes to these.

AUDIT HOOK: `encryption` must not import `audit` (dependency order, DESIGN.md), so the
audit app connects receivers to these signals in its own `receivers.py`. Each signal is
sent inside the transaction of the change it reports (except `key_rotated`, sent after
the last batch), so an audit row written by a receiver commits or rolls back with it.
Arguments are ids and counts only, never key material or personal data.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent with the new key's data_key_id (a UUID).
case_key_created = Signal()
# Sent with the destroyed key's data_key_id (a UUID).
case_key_shredded = Signal()
# Sent per committed batch: kek_id (the active KEK) and count (data keys rewrapped in the batch).
data_keys_rewrapped = Signal()
# Sent when no live data key is left under an older KEK: kek_id and rewrapped (total this run).
key_rotated = Signal()
# Sent when a KEK is retired: kek_id.
kek_retired = Signal()
