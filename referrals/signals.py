"""Domain signals the referral services send; other apps (channel) subscribe without being imported here."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the refer_to_channel transaction with referral_id and actor.
referral_handed_to_channel = Signal()

# Sent inside the submit transaction with referral (the instance just submitted, its answers in memory)
# and actor; mash opens its assessment of the case from it.
referral_submitted = Signal()

# Sent inside the closing transaction (close, close_from_channel) with referral_id and actor; the closure app
# records the transfer to CTP that must follow, so closing and "a transfer is due" commit together.
referral_closed = Signal()

# Demo data only (development): sent with referral_id after a seed moved a case's dates back (its submission
# among them), so the apps that keep dates of their own about the case follow: mash's screening due date,
# closure's statistical record (the month it counts in).
referral_demo_dated_back = Signal()
