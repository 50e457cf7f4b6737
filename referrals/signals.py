"""Domain signals the referral services send; other apps (channel) subscribe without being imported here."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the refer_to_channel transaction with referral_id and actor.
referral_handed_to_channel = Signal()
