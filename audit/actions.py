"""Every audit action, declared once: label, display sentence and the allow-list of its details.

Adding an action is one entry in ACTIONS: AuditAction, the details allow-list and the
formatter all read this table. The column holds no `choices`, so a new action needs no migration.
"""

from __future__ import annotations

from django.db import models

from .action_spec import ActionSpec, Kind
from .actions_benchmarking import BENCHMARKING_ACTIONS
from .actions_casework import CASEWORK_ACTIONS

__all__ = ["ACTIONS", "ActionSpec", "AuditAction", "Kind", "Outcome"]


_SEARCH_FILTERS = {
    "case_reference": Kind.REFERENCE,
    "user_id": Kind.INT,
    "action": Kind.CODE,
    "outcome": Kind.NAME,
    "date_from": Kind.DATE,
    "date_to": Kind.DATE,
    "page": Kind.INT,
    "count": Kind.INT,
}

ACTIONS: dict[str, ActionSpec] = {
    # Signing in and out
    "USER_SIGNED_IN": ActionSpec("Signed in", "{actor} signed in"),
    "USER_SIGN_IN_FAILED": ActionSpec(
        "Sign-in failed",
        "A sign-in failed (account exists: {account_exists})",
        {"account_exists": Kind.BOOL},
    ),
    "USER_SIGNED_OUT": ActionSpec("Signed out", "{actor} signed out"),
    # Second factor, lockout and sessions (accounts)
    "MFA_ENROLLED": ActionSpec(
        "Second factor set up", "{actor} set up {method} as a second factor", {"method": Kind.NAME}
    ),
    "MFA_VERIFIED": ActionSpec(
        "Second factor verified",
        "{actor} confirmed their sign-in with {method}",
        {"method": Kind.NAME, "backup_codes_left": Kind.INT},
    ),
    # "method" is set for a passkey ("passkey"); a code from the app or a backup code leaves it out.
    "ADMIN_CHANGED": ActionSpec(
        "Changed in the admin", "{actor} {change} {target} in the admin", {"change": Kind.NAME}
    ),
    "MFA_FAILED": ActionSpec(
        "Second factor failed",
        "{actor} failed the second step (method: {method})",
        {"stage": Kind.NAME, "method": Kind.NAME, "failures": Kind.INT},
    ),
    "BACKUP_CODES_GENERATED": ActionSpec(
        "Backup codes generated", "{actor} generated {count} new backup codes", {"count": Kind.INT}
    ),
    # Passkeys (django-otp-webauthn): the device id only, never the name the person gave it.
    "PASSKEY_REGISTERED": ActionSpec(
        "Passkey added",
        "{actor} added passkey {device_id} (first second factor: {enrolment})",
        {"device_id": Kind.INT, "enrolment": Kind.BOOL},
    ),
    "PASSKEY_RENAMED": ActionSpec("Passkey renamed", "{actor} renamed passkey {device_id}", {"device_id": Kind.INT}),
    "PASSKEY_REMOVED": ActionSpec(
        "Passkey removed",
        "{actor} removed passkey {device_id} ({passkeys_left} passkeys left)",
        {"device_id": Kind.INT, "passkeys_left": Kind.INT, "reason": Kind.NAME},
    ),
    "ACCOUNT_LOCKED_OUT": ActionSpec(
        "Account locked out",
        "Sign-in was locked after repeated failures (account exists: {account_exists})",
        {"account_exists": Kind.BOOL, "cause": Kind.NAME},
    ),
    "ACCOUNT_UNLOCKED": ActionSpec(
        "Account unlocked",
        "{actor} unlocked {target} ({via})",
        {"via": Kind.NAME, "attempts_cleared": Kind.INT, "addresses_still_blocked": Kind.INT},
    ),
    "ADDRESS_UNLOCKED": ActionSpec(
        "Address unlocked",
        "Sign-in from one address was unlocked for every account ({via})",
        {"via": Kind.NAME, "attempts_cleared": Kind.INT},
    ),
    "SESSIONS_REVOKED": ActionSpec("Signed out everywhere", "{actor} signed {target} out of every session"),
    "SESSION_TIMED_OUT": ActionSpec("Session timed out", "{actor} was signed out ({reason})", {"reason": Kind.NAME}),
    # User management by the Prevent lead (accounts)
    "USER_INVITED": ActionSpec(
        "User invited",
        "{actor} invited a new {role} (invitation {invitation_id})",
        {"invitation_id": Kind.INT, "role": Kind.NAME},
    ),
    "INVITATION_ACCEPTED": ActionSpec(
        "Invitation accepted",
        "{actor} accepted invitation {invitation_id}",
        {"invitation_id": Kind.INT, "role": Kind.NAME},
    ),
    "USER_ROLE_CHANGED": ActionSpec(
        "Role changed",
        "{actor} changed the role of {target} from {previous_role} to {role}",
        # Council before and after: a superuser may move a user between councils in the admin.
        {
            "role": Kind.NAME,
            "previous_role": Kind.NAME,
            "local_authority_id": Kind.INT,
            "previous_local_authority_id": Kind.INT,
        },
    ),
    "USER_DEACTIVATED": ActionSpec("User deactivated", "{actor} deactivated {target}"),
    "USER_CHANGE_REFUSED": ActionSpec(
        "User change refused", "{actor} was refused a change ({change}) to {target}", {"change": Kind.NAME}
    ),
    # Refusals and reads
    "ACCESS_REFUSED": ActionSpec(
        "Access refused",
        "{actor} was refused {method} {url_name} (HTTP {status})",
        {"status": Kind.INT, "method": Kind.HTTP_METHOD, "url_name": Kind.NAME},
    ),
    # Refusals of visitors not signed in: counted per minute, one event per minute (audit/anonymous.py).
    "ANONYMOUS_REFUSALS_COUNTED": ActionSpec(
        "Refusals of visitors not signed in",
        "{count} requests from people not signed in were refused in the minute from {window_start} UTC"
        " ({status_404} not found, {status_403} forbidden)",
        {"count": Kind.INT, "status_403": Kind.INT, "status_404": Kind.INT, "window_start": Kind.MINUTE},
    ),
    "CASE_CONTENT_READ": ActionSpec(
        "Case content read",
        "{actor} opened the content of case {case_reference}",
        {"section": Kind.NAME, "attachment_id": Kind.UUID},
    ),
    # The audit log itself
    "AUDIT_SEARCHED": ActionSpec("Audit log searched", "{actor} searched the audit log", _SEARCH_FILTERS),
    "CASE_ACCESS_REPORT_VIEWED": ActionSpec(
        "Access report viewed", "{actor} viewed the access report of case {case_reference}"
    ),
    "AUDIT_EXPORTED": ActionSpec(
        "Audit log exported", "{actor} downloaded {count} audit events as CSV", _SEARCH_FILTERS
    ),
    "AUDIT_CHAIN_VERIFIED": ActionSpec(
        "Audit chain verified", "The audit chain was verified: {count} events intact", {"count": Kind.INT}
    ),
    "AUDIT_CHAIN_BROKEN": ActionSpec(
        "Audit chain broken",
        "The audit chain check failed at event {first_bad_sequence}",
        {"first_bad_sequence": Kind.INT, "count": Kind.INT},
    ),
    # Keys (sent by the encryption app's signals)
    "KEY_ROTATED": ActionSpec(
        "Key rotated",
        "Key {key_id} became the active key ({rewrapped} case keys re-wrapped)",
        {"key_id": Kind.KEY_ID, "rewrapped": Kind.INT},
    ),
    "KEY_RETIRED": ActionSpec("Key retired", "Key {key_id} was retired", {"key_id": Kind.KEY_ID}),
    "CASE_KEY_SHREDDED": ActionSpec("Case key shredded", "The case {target} was destroyed"),
    # Referral lifecycle (used as the referrals issues land)
    "REFERRAL_CREATED": ActionSpec("Referral created", "{actor} started a referral"),
    "REFERRAL_SUBMITTED": ActionSpec(
        "Referral submitted",
        "{actor} submitted referral {case_reference} through {via} ({possible_repeats} possible earlier referrals)",
        {"via": Kind.CODE, "possible_repeats": Kind.INT, "attachments": Kind.INT, "mash_notified": Kind.BOOL},
        renamed={"channel": "via"},
    ),
    "REFERRAL_DRAFT_SAVED": ActionSpec(
        "Referral draft saved", "{actor} saved draft {target}", {"fields_changed": Kind.INT, "step": Kind.NAME}
    ),
    "REFERRAL_DRAFT_DISCARDED": ActionSpec(
        "Unfinished referral deleted",
        "{actor} deleted draft {target}, unsaved for {age_days} days, with {attachments} files",
        {"age_days": Kind.INT, "attachments": Kind.INT},
    ),
    "REFERRAL_INFORMATION_ADDED": ActionSpec(
        "Further information added",
        "{actor} added further information to referral {case_reference}",
        {"information_id": Kind.UUID},
    ),
    "REFERRAL_ATTACHMENT_ADDED": ActionSpec(
        "Attachment added",
        "{actor} attached a file to {target}",
        {"attachment_id": Kind.UUID, "size": Kind.INT},
    ),
    "REFERRAL_MASH_NOTIFIED": ActionSpec(
        "MASH notified", "The MASH inbox was told of referral {case_reference}", {"sent": Kind.BOOL}
    ),
    "API_TOKEN_CREATED": ActionSpec(
        "API token created", "An API token was created for {target}", {"token_id": Kind.UUID}
    ),
    "API_TOKEN_REVOKED": ActionSpec(
        "API tokens revoked", "{count} API tokens of {target} were revoked", {"count": Kind.INT}
    ),
    "API_TOKEN_REFUSED": ActionSpec(
        "API token refused",
        "An API token of {target} was refused ({reason_code})",
        {"token_id": Kind.UUID},
    ),
    "REFERRAL_STATUS_CHANGED": ActionSpec(
        "Referral status changed",
        "{actor} moved case {case_reference} from {source} to {target_status}",
        {"source": Kind.NAME, "target_status": Kind.NAME, "transition": Kind.NAME},
    ),
    # Refused (outcome "refused"): another user or tab changed the case first; nothing was saved.
    "REFERRAL_TRANSITION_CONFLICTED": ActionSpec(
        "Change refused: case changed meanwhile",
        "{actor} tried {transition} on case {case_reference}, but someone else had just changed it "
        "({source} when shown, {current_status} now); nothing was saved",
        {
            "transition": Kind.NAME,
            "source": Kind.NAME,
            "current_status": Kind.NAME,
            "answers_version_shown": Kind.INT,
            "answers_version": Kind.INT,
        },
    ),
    "REFERRAL_ASSIGNED": ActionSpec(
        "Referral assigned", "{actor} assigned case {case_reference}", {"assignee_id": Kind.INT}
    ),
    # Flagged by its own action: a Prevent lead opened another authority's case, giving a reason code.
    "CASE_BREAK_GLASS": ActionSpec(
        "Break-glass access",
        "{actor} used break-glass access to case {case_reference} ({reason_code})",
        {"grantee_id": Kind.INT, "grant_id": Kind.INT, "hours": Kind.INT, "break_glass": Kind.BOOL},
    ),
    # Shown on a case page: referrals the viewer may not read may be of the same person (a count, never references).
    "REPEAT_REFERRAL_ELSEWHERE_SHOWN": ActionSpec(
        "Possible repeat referral elsewhere shown",
        "{actor} was told that {count} referrals they cannot see may match case {case_reference}"
        " ({councils_named} councils named)",
        {"count": Kind.INT, "councils_named": Kind.INT},
    ),
    "CASE_EXPORTED": ActionSpec("Case exported", "{actor} exported case {case_reference}", {"format": Kind.CODE}),
    "ATTACHMENT_DOWNLOADED": ActionSpec(
        "Attachment downloaded",
        "{actor} downloaded an attachment of case {case_reference}",
        {"attachment_id": Kind.UUID},
    ),
    **CASEWORK_ACTIONS,
    **BENCHMARKING_ACTIONS,
}

AuditAction = models.TextChoices("AuditAction", [(name, (name, spec.label)) for name, spec in ACTIONS.items()])
AuditAction.__doc__ = "Past-tense audit events; declared in ACTIONS."


class Outcome(models.TextChoices):
    DONE = "done", "Done"
    REFUSED = "refused", "Refused"
