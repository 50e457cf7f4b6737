"""Domain signals the accounts services send inside their transactions; apps above accounts listen.

`referrals` ends a user's per-case grants on them (ACCESS.md "Grants follow their reason") without
`accounts` importing `referrals`. Sent by the services, never from post_save: the Prevent lead's pages
and the Django admin both go through those services, so both entry points send them.
"""

from __future__ import annotations

from django.dispatch import Signal

# user, actor, changed: a tuple of "role" and/or "local_authority". Sent only when the value changed.
membership_changed = Signal()

# user, actor. Sent when an active account is deactivated.
user_deactivated = Signal()
