"""Writes of the accounts app; callers import `accounts.services`."""

from accounts.services.api_tokens import api_token_create, api_tokens_revoke
from accounts.services.lockout import (
    account_unlock_by_operator,
    address_unlock_by_operator,
    lockout_record,
    user_unlock,
)
from accounts.services.management import (
    admin_change_record,
    invitation_accept,
    invitation_token,
    user_deactivate,
    user_invite,
    user_own_account_refuse,
    user_role_change,
)
from accounts.services.mfa import (
    backup_codes_generate,
    demo_totp_device_set,
    mfa_enrolment_confirm,
    mfa_enrolment_open,
    mfa_enrolment_start,
    mfa_is_enrolled,
    mfa_verify,
    totp_secret_to_hex,
)
from accounts.services.passkeys import (
    passkey_enrolment_finish,
    passkey_register,
    passkey_remove,
    passkey_rename,
    passkey_verify,
)
from accounts.services.sessions import session_timed_out_record, user_sessions_revoke
from accounts.services.users import (
    DEMO_AUTHORITIES,
    DEMO_ROLE_EMAILS,
    demo_data_seed,
    demo_email,
    user_create_with_membership,
)

__all__ = [
    "admin_change_record",
    "DEMO_AUTHORITIES",
    "DEMO_ROLE_EMAILS",
    "account_unlock_by_operator",
    "address_unlock_by_operator",
    "api_token_create",
    "api_tokens_revoke",
    "backup_codes_generate",
    "demo_data_seed",
    "demo_email",
    "demo_totp_device_set",
    "invitation_accept",
    "invitation_token",
    "lockout_record",
    "mfa_enrolment_confirm",
    "mfa_enrolment_open",
    "mfa_enrolment_start",
    "mfa_is_enrolled",
    "mfa_verify",
    "passkey_enrolment_finish",
    "passkey_register",
    "passkey_remove",
    "passkey_rename",
    "passkey_verify",
    "session_timed_out_record",
    "totp_secret_to_hex",
    "user_create_with_membership",
    "user_deactivate",
    "user_invite",
    "user_own_account_refuse",
    "user_role_change",
    "user_sessions_revoke",
    "user_unlock",
]
