"""Every write and transition of a referral: one transaction each, each audited."""

from __future__ import annotations

from .attachments import (
    attachment_content_type,
    referral_attachment_add,
    referral_attachment_allowed,
    referral_attachment_remove,
    referral_information_add,
)
from .grants import (
    case_break_glass,
    case_grant_create,
    case_grant_revoke,
    case_grant_window_end,
    case_grant_window_set,
    case_grants_end_for_holder,
    case_grants_remove_expired,
)
from .intake import (
    referral_answers,
    referral_answers_on_demand,
    referral_create_submitted,
    referral_draft_create,
    referral_draft_save,
    referral_submit,
)
from .reference import reference_allocate
from .transitions import (
    referral_close,
    referral_close_from_channel,
    referral_close_from_channel_permitted,
    referral_confirm_transfer,
    referral_purge,
    referral_refer_to_channel,
    referral_start_information_gathering,
    referral_start_screening,
    referral_start_transfer,
)

__all__ = [
    "case_break_glass",
    "case_grant_create",
    "case_grant_revoke",
    "case_grant_window_end",
    "case_grant_window_set",
    "case_grants_end_for_holder",
    "case_grants_remove_expired",
    "attachment_content_type",
    "reference_allocate",
    "referral_answers",
    "referral_answers_on_demand",
    "referral_attachment_add",
    "referral_attachment_allowed",
    "referral_attachment_remove",
    "referral_close",
    "referral_close_from_channel",
    "referral_close_from_channel_permitted",
    "referral_confirm_transfer",
    "referral_purge",
    "referral_create_submitted",
    "referral_draft_create",
    "referral_draft_save",
    "referral_information_add",
    "referral_refer_to_channel",
    "referral_start_information_gathering",
    "referral_start_screening",
    "referral_start_transfer",
    "referral_submit",
]
