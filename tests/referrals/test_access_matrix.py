"""The access matrix of ACCESS.md: every URL of the URL conf x every role x every stage of a case.

URLs are found by walking the URL conf, so a new page joins the matrix by itself, and fails here until
RULES below says who may use it (and with which methods). Three kinds of URL:
- case URLs (a `reference` or `draft_id` argument): every stage a case can be in (a draft has no
  reference, so reference URLs start at "submitted") x every role x four situations (a user of the
  case's authority, of another authority, holding a current grant on the case, holding an expired one);
- user URLs (a user's number): own authority's user or another authority's;
- the rest: every role, once.
Each expected 403 and 404 of a signed-in user must have left an ACCESS_REFUSED event (anonymous clients'
refusals are counted, not recorded one by one). tests/referrals/conftest.py prints the count.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import Role
from accounts.services import api_token_create, invitation_token, user_invite
from audit.models import AuditEvent
from mash.models import GatewayCheck, ScreeningReason
from referrals import services
from referrals.choices import ClosingReason, ReferralStatus
from tests.mash.factories import organisation_in, request_row

from .factories import draft_referral, grant_row

pytestmark = pytest.mark.django_db

ANONYMOUS, SUPERUSER = "anonymous", "superuser"
ROLES = [*Role.values, SUPERUSER, ANONYMOUS]
STAGES = list(ReferralStatus.values)
CASE_SITUATIONS = ("own_authority", "other_authority", "with_grant", "with_expired_grant")
DRAFT_SITUATIONS = ("own_authority", "other_authority")
# A URL that names another user or a passkey: the user (of the own authority) acts on a user of their own
# authority (for a passkey: their own passkey), or on one of another authority.
TARGET_SITUATIONS = ("target_in_own_authority", "target_in_other_authority")
ADMIN_MODEL_PAGES = ("changelist", "add", "change", "history", "delete")
# A request URL (a partner's information request: a `request_id` and no case reference) is a kind of its own:
# the user is its addressee while their grant lasts, its addressee after the grant ended (the request expired
# unswept), or not its addressee (it is addressed to another partner contributor of the same council).
REQUEST_SITUATIONS = ("addressee", "grant_ended", "not_addressee")

READERS = {Role.TRIAGE_OFFICER, Role.POLICE_PREVENT_OFFICER, Role.PREVENT_LEAD}
MANAGERS = {Role.TRIAGE_OFFICER, Role.PREVENT_LEAD}
SCREENERS = {Role.TRIAGE_OFFICER, Role.POLICE_PREVENT_OFFICER}
LOGIN = 302  # anonymous: sent to the sign-in page
S = ReferralStatus
# Closed, then on its way to CTP, then held by CTP (closure): a referrer's receipt says "closed" for all three.
CLOSED_STAGES = (S.CLOSED, S.TRANSFERRING, S.TRANSFERRED)


@dataclass(frozen=True)
class Who:
    role: str
    situation: str
    stage: str = ""

    @property
    def signed_in(self) -> bool:
        return self.role != ANONYMOUS

    @property
    def in_case_authority(self) -> bool:
        return self.role not in (SUPERUSER, ANONYMOUS) and self.situation != "other_authority"

    @property
    def submitted(self) -> bool:
        return self.stage != S.DRAFT

    @property
    def reader(self) -> bool:
        """ACCESS.md "Reading case content": the readers of the case's authority once submitted; the Channel
        chair of that authority while the case is with Channel, and once closed after Channel until
        transferred (the matrix's closed case was closed after information gathering: never the chair's)."""
        if not (self.submitted and self.in_case_authority):
            return False
        return self.role in READERS or (self.role == Role.CHANNEL_CHAIR and self.stage == S.WITH_CHANNEL)

    @property
    def granted(self) -> bool:
        """A current grant opens the case: a Prevent lead's (break-glass) at every stage once submitted,
        a panel member's only while the case is with Channel, nobody else's (ACCESS.md)."""
        if self.situation != "with_grant" or not self.submitted:
            return False
        return self.role == Role.PREVENT_LEAD or (self.role == Role.PANEL_MEMBER and self.stage == S.WITH_CHANNEL)

    @property
    def visible(self) -> bool:
        return self.reader or self.granted

    @property
    def author(self) -> bool:
        """The referrer who wrote the case (the matrix's referrer of the case's authority)."""
        return self.role == Role.REFERRER and self.situation != "other_authority"

    def holds(self, *roles: str) -> bool:
        return self.in_case_authority and self.role in roles


Rule = Callable[[Who], int]


def signed_in(rule: Rule) -> Rule:
    """Every page but the public ones sends an anonymous visitor to sign in first."""
    return lambda who: rule(who) if who.signed_in else LOGIN


def case_page(allowed: Callable[[Who], bool], ok: int = 200) -> Rule:
    """404 if the case is not visible; 403 if visible but the action is not theirs (ACCESS.md "Actions")."""
    return signed_in(lambda who: (ok if allowed(who) else 403) if who.visible else 404)


def receipt(ok: int = 200) -> Rule:
    """A referrer's own receipt pages: the author only, once submitted; 404 for everyone else."""
    return signed_in(lambda who: ok if who.author and who.submitted else 404)


def receipt_until_closed() -> Rule:
    """Adding information: the author's own receipt; once the case is closed, refused (403) with a page saying so."""
    return signed_in(lambda who: (403 if who.stage in CLOSED_STAGES else 200) if who.author and who.submitted else 404)


def draft_page(ok: int = 200) -> Rule:
    """The journey's pages of one draft: its author only, while it is a draft."""
    return signed_in(lambda who: ok if who.author and not who.submitted else 404)


def role_page(*roles: str, ok: int = 200) -> Rule:
    """A page of the user's own work, for some roles only; 403 for any other signed-in user."""
    return signed_in(lambda who: ok if who.role in roles else 403)


def any_user(ok: int = 200) -> Rule:
    return signed_in(lambda who: ok)


def public(ok: int = 200) -> Rule:
    return lambda who: ok


def request_page(ok: int = 200) -> Rule:
    """ACCESS.md "per-request": only the partner contributor it is addressed to, while their grant lasts; once it
    ended, their own request says so (403, audited); to everyone else it does not exist (404)."""

    def rule(who: Who) -> int:
        if who.role != Role.PARTNER_CONTRIBUTOR or who.situation == "not_addressee":
            return 404
        return ok if who.situation == "addressee" else 403

    return signed_in(rule)


def _request_creator(who: Who) -> bool:
    return who.holds(Role.TRIAGE_OFFICER) and who.stage == S.INFORMATION_GATHERING


def _assignable(who: Who) -> bool:
    return who.holds(*SCREENERS) and who.stage in (S.SUBMITTED, S.SCREENING, S.INFORMATION_GATHERING)


def _break_glass(who: Who) -> int:
    if not who.signed_in:
        return LOGIN
    if who.visible:
        return 302  # already visible: sent to the case page
    other_lead = who.role == Role.PREVENT_LEAD and who.situation == "other_authority"
    return 200 if other_lead and who.submitted else 404


def _user_admin(ok: int) -> Rule:
    """A Prevent lead manages the users of their own authority; another authority's user is a 404."""

    def rule(who: Who) -> int:
        if not who.signed_in:
            return LOGIN
        if who.role != Role.PREVENT_LEAD:
            return 403
        return ok if who.situation == "target_in_own_authority" else 404

    return rule


def _access_report(who: Who) -> int:
    """Auditors only. Another authority's case shows the events of the auditor's own authority about that
    reference: none, exactly as for a reference that does not exist (missing and forbidden look the same)."""
    if not who.signed_in:
        return LOGIN
    return 200 if who.role == Role.AUDITOR else 403


def _user_activity(who: Who) -> int:
    if not who.signed_in:
        return LOGIN
    if who.role != Role.AUDITOR:
        return 403
    return 200 if who.situation == "target_in_own_authority" else 404


def _own_passkey(ok: int) -> Rule:
    """Only the passkey's owner names or removes it (the target in their own authority is their own passkey);
    anyone else's is a 404."""
    return signed_in(lambda who: ok if who.situation == "target_in_own_authority" else 404)


def _transition(sources: tuple[str, ...], allowed: Callable[[Who], bool]) -> Rule:
    """POST a transition. At a stage it cannot leave from, the case page says so (302, nothing changes);
    otherwise 302 when done, 403 (the service's recorded refusal) for someone whose action it is not."""

    def rule(who: Who) -> int:
        if not who.signed_in:
            return LOGIN
        if not who.visible:
            return 404
        if who.stage not in sources:
            return 302
        return 302 if allowed(who) else 403

    return rule


def _screening_record(roles: set[str], stage: str) -> Rule:
    """A screening record's page (mash/screening/views.py): 403 for a role that may not record it (audited by
    the service); at another stage, 302 to the Screening section with a message; else the form (200)."""

    def rule(who: Who) -> int:
        if not who.signed_in:
            return LOGIN
        if not who.visible:
            return 404
        if not who.holds(*roles):
            return 403
        return 200 if who.stage == stage else 302

    return rule


def _channel_step(allowed: Callable[[Who], bool], *, possible_when_listed: bool, ok: int = 200) -> Rule:
    """A Channel step of a case (channel:case-step). A case becomes a Channel case (listed) when it is handed
    to Channel: before that, or for someone who may not see the case, 404. A step not possible from "listed":
    the case page says so (302). Otherwise the form (200, or its errors when POSTed empty) for a role that
    may take the step (ACCESS.md "Actions"), 403 (audited) for anyone else who sees the case."""

    def rule(who: Who) -> int:
        if not who.signed_in:
            return LOGIN
        if not who.visible or who.stage != S.WITH_CHANNEL:
            return 404
        if not possible_when_listed:
            return 302
        return ok if allowed(who) else 403

    return rule


def _receipt_upload(who: Who) -> int:
    """Confirm CTP's receipt (closure): a case with a transfer (closed or later), the police Prevent officer of
    its authority (an empty POST: the form's error, 200); anyone else who sees the case 403 (audited)."""
    if not who.signed_in:
        return LOGIN
    if not who.visible or who.stage not in CLOSED_STAGES:
        return 404
    return 200 if who.holds(Role.POLICE_PREVENT_OFFICER) else 403


def _purge_now(who: Who) -> int:
    if not who.signed_in:
        return LOGIN
    if not who.visible:
        return 404
    return 302 if who.holds(Role.PREVENT_LEAD) else 403


# (url name, method, variant) -> expected status for a Who. The variant picks one value of an argument
# that names an action (the transition's slug), so each action is a row of its own.
RULES: dict[tuple[str, str, str], Rule] = {
    # --- public pages
    ("home", "GET", ""): public(),
    ("accessibility", "GET", ""): public(),
    ("privacy", "GET", ""): public(),
    ("healthz", "GET", ""): public(),
    ("accounts:sign-in", "GET", ""): lambda who: 302 if who.signed_in else 200,
    ("accounts:sign-in", "POST", ""): lambda who: 302 if who.signed_in else 200,
    ("accounts:signed-out", "GET", ""): public(),
    ("accounts:timed-out", "GET", ""): public(),
    ("accounts:locked-out", "GET", ""): public(429),
    ("accounts:invitation-accept", "GET", ""): public(),
    ("accounts:invitation-accept", "POST", ""): public(),
    ("api:schema", "GET", ""): public(),
    ("api:docs", "GET", ""): public(),
    # --- a signed-in user's own account
    ("accounts:sign-out", "POST", ""): public(302),
    ("accounts:sign-out-everywhere", "POST", ""): any_user(302),
    ("accounts:keep-alive", "GET", ""): any_user(204),
    ("accounts:mfa-verify", "GET", ""): any_user(302),
    ("accounts:mfa-setup", "GET", ""): any_user(302),
    ("accounts:mfa-setup-qr", "GET", ""): any_user(404),
    ("accounts:backup-codes", "POST", ""): any_user(),
    ("accounts:account", "GET", ""): any_user(),
    ("accounts:passkey-name", "GET", ""): _own_passkey(200),
    ("accounts:passkey-name", "POST", ""): _own_passkey(200),
    ("accounts:passkey-remove", "GET", ""): _own_passkey(200),
    ("accounts:passkey-remove", "POST", ""): _own_passkey(302),
    # The passkey library's JSON endpoints: enrolment for a signed-in user; authentication as the second
    # factor of a signed-in user (passwordless sign-in is off, so an anonymous visitor is refused).
    ("otp_webauthn:credential-registration-begin", "POST", ""): lambda who: 200 if who.signed_in else 403,
    ("otp_webauthn:credential-registration-complete", "POST", ""): lambda who: 400 if who.signed_in else 403,
    ("otp_webauthn:credential-authentication-begin", "POST", ""): lambda who: 200 if who.signed_in else 403,
    ("otp_webauthn:credential-authentication-complete", "POST", ""): lambda who: 400 if who.signed_in else 403,
    ("otp_webauthn:js-i18n-catalog", "GET", ""): public(),
    # --- a Prevent lead's user management (ACCESS.md: own authority, nobody for themselves)
    ("accounts:user-list", "GET", ""): role_page(Role.PREVENT_LEAD),
    ("accounts:user-invite", "GET", ""): role_page(Role.PREVENT_LEAD),
    ("accounts:user-invite", "POST", ""): role_page(Role.PREVENT_LEAD),
    ("accounts:user-role", "GET", ""): _user_admin(200),
    ("accounts:user-role", "POST", ""): _user_admin(200),
    ("accounts:user-deactivate", "GET", ""): _user_admin(200),
    ("accounts:user-deactivate", "POST", ""): _user_admin(302),
    ("accounts:user-unlock", "POST", ""): _user_admin(302),
    # --- the auditor's pages (ACCESS.md: auditors; events of their own authority)
    ("audit:event-search", "GET", ""): role_page(Role.AUDITOR),
    ("audit:event-export", "GET", ""): role_page(Role.AUDITOR),
    ("audit:user-activity", "GET", ""): _user_activity,
    ("audit:case-access", "GET", ""): _access_report,
    # --- referring (any signed-in user may refer, as a referrer)
    ("referrals:my-referrals", "GET", ""): any_user(),
    ("referrals:start", "GET", ""): any_user(),
    ("referrals:start", "POST", ""): any_user(302),
    ("referrals:draft-resume", "GET", ""): draft_page(302),
    ("referrals:draft-step", "GET", ""): draft_page(),
    ("referrals:draft-step", "POST", ""): draft_page(),
    ("referrals:draft-check", "GET", ""): draft_page(),
    # Sending twice (a second tab): the author is taken to the receipt of the referral already sent.
    ("referrals:draft-check", "POST", ""): signed_in(
        lambda who: (200 if not who.submitted else 302) if who.author else 404
    ),
    ("referrals:draft-attachment-remove", "POST", ""): draft_page(302),
    ("referrals:referral-confirmation", "GET", ""): receipt(),
    ("referrals:referral-add-information", "GET", ""): receipt_until_closed(),
    ("referrals:referral-add-information", "POST", ""): receipt_until_closed(),
    ("api:referral-create", "POST", ""): lambda who: 400 if who.signed_in else 401,
    ("api:referral-status", "GET", ""): lambda who: (
        (200 if who.author and who.submitted else 404) if who.signed_in else 401
    ),
    # The author adds files until screening starts (the matrix sends no file: the field's message, 400);
    # afterwards 409, audited by the service; anyone else's referral is a 404.
    ("api:referral-attachment-add", "POST", ""): lambda who: (
        ((400 if who.stage == S.SUBMITTED else 409) if who.author else 404) if who.signed_in else 401
    ),
    # --- the staff case pages
    ("referrals:referral-queue", "GET", ""): signed_in(lambda who: 200),
    # Assign (one case or several) from the queue: triage or police Prevent officer (own LA). An empty form
    # comes back with its errors (200); the cases offered are the officer's own council's only.
    ("referrals:referral-queue-assign", "POST", ""): role_page(*SCREENERS),
    # Assign one case from its case page (mash): a screener of the case's council while the MASH works it; an
    # empty form comes back with its error (200). Anyone else who sees the case: 403, audited.
    ("referrals:referral-assign", "GET", ""): case_page(_assignable),
    ("referrals:referral-assign", "POST", ""): case_page(_assignable),
    ("referrals:break-glass-start", "GET", ""): role_page(Role.PREVENT_LEAD),
    ("referrals:break-glass-start", "POST", ""): role_page(Role.PREVENT_LEAD),
    ("referrals:referral-detail", "GET", ""): case_page(lambda who: True),
    # The case page's sections (referrals/sections.py): read as the case is; the history only by its readers.
    ("referrals:referral-section", "GET", "documents"): case_page(lambda who: True),
    ("referrals:referral-section", "GET", "history"): case_page(lambda who: who.reader),
    # The Channel section (channel app): shown once the case is with Channel, to whoever sees the case.
    ("referrals:referral-section", "GET", "channel"): case_page(lambda who: who.stage == S.WITH_CHANNEL),
    # Channel steps (channel/permissions.py): panel decisions by the chair; consent by the chair or triage
    # officer; withdrawing by the chair or the Prevent lead. The matrix's Channel case is "listed".
    # The council's Channel cases: the chair and the council's case readers (channel/permissions.py).
    ("channel:case-list", "GET", ""): role_page(
        Role.CHANNEL_CHAIR, Role.TRIAGE_OFFICER, Role.POLICE_PREVENT_OFFICER, Role.PREVENT_LEAD
    ),
    ("channel:case-step", "GET", "adopt"): _channel_step(
        lambda who: who.holds(Role.CHANNEL_CHAIR), possible_when_listed=True
    ),
    ("channel:case-step", "POST", "adopt"): _channel_step(
        lambda who: who.holds(Role.CHANNEL_CHAIR), possible_when_listed=True
    ),
    ("channel:case-step", "POST", "withdraw"): _channel_step(
        lambda who: who.holds(Role.CHANNEL_CHAIR, Role.PREVENT_LEAD), possible_when_listed=True
    ),
    ("channel:case-step", "POST", "record_consent_given"): _channel_step(
        lambda who: who.holds(Role.CHANNEL_CHAIR, Role.TRIAGE_OFFICER), possible_when_listed=False
    ),
    ("referrals:referral-attachment", "GET", ""): case_page(lambda who: True),
    # --- closure: the Closure section once the case is closed (its readers), the council's transfers in progress
    # (Prevent lead, and the police Prevent officer as the CTP liaison), and confirming a receipt.
    ("referrals:referral-section", "GET", "closure"): case_page(lambda who: who.reader and who.stage in CLOSED_STAGES),
    ("closure:transfer-list", "GET", ""): role_page(Role.PREVENT_LEAD, Role.POLICE_PREVENT_OFFICER),
    ("closure:transfer-receipt", "POST", ""): _receipt_upload,
    ("closure:transfer-receipt", "GET", ""): any_user(405),
    # Purge now (the Prevent lead of the case's council, once transferred and the hold period over: 302 to the
    # certificate); at another stage the Closure section says why (302); anyone else who sees the case 403.
    ("closure:case-purge", "POST", ""): _purge_now,
    ("closure:case-purge", "GET", ""): any_user(405),
    # The council's purge certificates: its Prevent lead and auditor; another council's certificate is a 404.
    ("closure:certificate-list", "GET", ""): role_page(Role.PREVENT_LEAD, Role.AUDITOR),
    ("closure:certificate-detail", "GET", ""): signed_in(
        lambda who: (200 if who.in_case_authority else 404) if who.role in (Role.PREVENT_LEAD, Role.AUDITOR) else 403
    ),
    # Transitions recorded in the Screening section (custom "recorded_in") are never taken bare: the route
    # sends the case's readers to that section (302, nothing changes); a grantee, who may not see it, is refused.
    ("referrals:referral-transition", "GET", "close"): case_page(lambda who: who.reader, ok=302),
    ("referrals:referral-transition", "POST", "close"): case_page(lambda who: who.reader, ok=302),
    ("referrals:referral-transition", "POST", "start_screening"): _transition(
        (S.SUBMITTED,), lambda who: who.holds(*SCREENERS)
    ),
    ("referrals:referral-transition", "POST", "start_information_gathering"): case_page(lambda who: who.reader, ok=302),
    ("referrals:referral-transition", "POST", "refer_to_channel"): case_page(lambda who: who.reader, ok=302),
    # --- screening (mash/screening): the section for the case's readers; each record for its roles, at its
    # stage (elsewhere: 302 to the section with a message). GET is the question page, an empty POST its errors.
    ("referrals:referral-section", "GET", "screening"): case_page(lambda who: who.reader),
    ("referrals:screening-gateway-check", "GET", ""): _screening_record({Role.POLICE_PREVENT_OFFICER}, S.SCREENING),
    ("referrals:screening-gateway-check", "POST", ""): _screening_record({Role.POLICE_PREVENT_OFFICER}, S.SCREENING),
    ("referrals:screening-outcome", "GET", ""): _screening_record(SCREENERS, S.SCREENING),
    ("referrals:screening-outcome", "POST", ""): _screening_record(SCREENERS, S.SCREENING),
    ("referrals:screening-decision", "GET", ""): _screening_record(MANAGERS, S.INFORMATION_GATHERING),
    ("referrals:screening-decision", "POST", ""): _screening_record(MANAGERS, S.INFORMATION_GATHERING),
    ("referrals:referral-grants", "GET", ""): case_page(lambda who: who.holds(*MANAGERS)),
    ("referrals:referral-grants", "POST", ""): case_page(lambda who: who.holds(*MANAGERS)),
    ("referrals:referral-grant-revoke", "POST", ""): case_page(lambda who: who.holds(*MANAGERS), ok=302),
    ("referrals:referral-grant-revoke", "GET", ""): any_user(405),
    # ACCESS.md "Access reports": the Prevent lead of the case's own authority (never through a grant).
    ("referrals:referral-access-report", "GET", ""): case_page(
        lambda who: who.reader and who.role == Role.PREVENT_LEAD
    ),
    ("referrals:referral-break-glass", "GET", ""): _break_glass,
    # --- information requests (mash): the case's readers see them; the triage officer asks (in information
    # gathering; an empty form comes back with its errors), chases and withdraws; the partner never sees the case.
    ("referrals:referral-section", "GET", "information-requests"): case_page(lambda who: who.reader),
    ("referrals:information-request-create", "GET", ""): case_page(_request_creator),
    ("referrals:information-request-create", "POST", ""): case_page(_request_creator),
    ("referrals:information-request-chase", "POST", ""): case_page(lambda who: who.holds(Role.TRIAGE_OFFICER), ok=302),
    ("referrals:information-request-withdraw", "POST", ""): case_page(
        lambda who: who.holds(Role.TRIAGE_OFFICER), ok=302
    ),
    ("referrals:information-request-file", "GET", ""): case_page(lambda who: who.reader),
    ("requests:request-list", "GET", ""): role_page(Role.PARTNER_CONTRIBUTOR),
    # POSTing an empty answer or reason: the form's errors (200); after the grant ended, refused (403).
    ("requests:request-detail", "GET", ""): request_page(),
    ("requests:request-detail", "POST", ""): request_page(),
    ("requests:request-decline", "GET", ""): request_page(),
    ("requests:request-decline", "POST", ""): request_page(),
    ("referrals:referral-break-glass", "POST", ""): lambda who: 200 if _break_glass(who) == 200 else _break_glass(who),
}


# --- Django's admin (ACCESS.md: reference data and users, for the superuser only). A signed-in user who is
# not staff gets the 403 page; a visitor is sent to sign in. Every registered model's pages follow one
# rule; the admin's own pages and any custom admin page are declared one by one.
def admin_page(ok: int) -> Rule:
    return lambda who: LOGIN if not who.signed_in else (ok if who.role == SUPERUSER else 403)


# Nobody adds a second-factor device or a lockout record by hand (accounts/admin.py).
ADMIN_NO_ADD = {
    "otp_totp_totpdevice",
    "otp_static_staticdevice",
    "django_otp_webauthn_webauthncredential",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
}


def admin_models() -> dict[str, type]:
    """Every model registered in the admin, by the label its URL names carry."""
    registered = {}
    for model in apps.get_models():
        try:
            admin.site.get_model_admin(model)
        except admin.exceptions.NotRegistered:
            continue
        registered[f"{model._meta.app_label}_{model._meta.model_name}"] = model
    return registered


ADMIN_MODELS = admin_models()
for _label in ADMIN_MODELS:
    for _page in ADMIN_MODEL_PAGES:
        RULES[(f"admin:{_label}_{_page}", "GET", "")] = admin_page(
            403 if _page == "add" and _label in ADMIN_NO_ADD else 200
        )
RULES |= {
    ("admin:index", "GET", ""): admin_page(200),
    ("admin:app_list", "GET", ""): admin_page(200),
    ("admin:login", "GET", ""): lambda who: 302,
    ("admin:logout", "POST", ""): admin_page(302),
    ("admin:password_change", "GET", ""): admin_page(200),
    ("admin:password_change_done", "GET", ""): admin_page(200),
    ("admin:jsi18n", "GET", ""): admin_page(200),
    # Without its query (which field of which model) the look-up refuses.
    ("admin:autocomplete", "GET", ""): admin_page(403),
    # A local authority has no page on the site to go to.
    ("admin:view_on_site", "GET", ""): admin_page(404),
    # A user's role and council change through the audited service (accounts/admin.py).
    ("admin:accounts_user_membership", "GET", ""): admin_page(200),
    ("admin:auth_user_password_change", "GET", ""): admin_page(200),
}


def url_conf() -> dict[str, set[str]]:
    """Every named URL of the URL conf with its arguments."""
    found: dict[str, set[str]] = {}

    def walk(patterns: list, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace
                walk(entry.url_patterns, inner)
                continue
            if isinstance(entry, URLPattern) and entry.name:
                found[f"{namespace}:{entry.name}".strip(":")] = set(entry.pattern.regex.groupindex)

    walk(get_resolver().url_patterns, "")
    return dict(sorted(found.items()))


URLS = url_conf()
CASE_ARGUMENTS = {"reference", "draft_id"}
CERTIFICATE_URLS = {"closure:certificate-detail"}
TARGET_ARGUMENTS = {"pk", "user_id"}
RECORD_ARGUMENTS = CASE_ARGUMENTS | TARGET_ARGUMENTS | {"request_id"}


def is_request_url(url_name: str) -> bool:
    return "request_id" in URLS[url_name] and "reference" not in URLS[url_name]


def situations(url_name: str, role: str) -> tuple[str, ...]:
    """The situations that differ for this URL and role (a superuser or an anonymous visitor has no authority)."""
    arguments = URLS[url_name]
    if arguments & TARGET_ARGUMENTS:
        return TARGET_SITUATIONS
    if role in (SUPERUSER, ANONYMOUS):
        return ("-",)
    if is_request_url(url_name):
        return REQUEST_SITUATIONS
    if "reference" in arguments:
        return CASE_SITUATIONS
    return DRAFT_SITUATIONS if "draft_id" in arguments else ("-",)


def stages(url_name: str) -> list[str]:
    arguments = URLS[url_name]
    if is_request_url(url_name):
        return [S.INFORMATION_GATHERING]  # a request is made while its case is in information gathering
    if url_name in CERTIFICATE_URLS:
        return [S.PURGED]  # a purged case is only its certificate
    held = [stage for stage in STAGES if stage != S.PURGED]  # a purged case's rows are gone: no case URL serves it
    if "reference" in arguments:
        return [stage for stage in held if stage != S.DRAFT]  # a draft has no reference yet
    return held if "draft_id" in arguments else [""]


def _rows(url_name: str) -> list[tuple[str, str]]:
    return sorted({(method, variant) for (name, method, variant) in RULES if name == url_name}) or [("UNDECLARED", "")]


COMBINATIONS = [
    pytest.param(
        url_name,
        method,
        variant,
        stage,
        role,
        situation,
        id="-".join(part for part in (url_name, method, variant, stage, role, situation) if part),
    )
    for url_name in URLS
    for method, variant in _rows(url_name)
    for stage in stages(url_name)
    for role in ROLES
    for situation in situations(url_name, role)
]


def _case_at(stage: str, referrer, screener):
    """A case with an attachment, at the stage, reached through the services (so each stage is a real one)."""
    referral = draft_referral(user=referrer)
    services.referral_attachment_add(
        referral=referral, actor=referrer, fileobj=io.BytesIO(b"%PDF-1.4 matrix"), filename="a.pdf", size=15
    )
    path = [
        (S.SUBMITTED, lambda r: services.referral_submit(referral=r, actor=referrer)),
        (S.SCREENING, lambda r: services.referral_start_screening(referral=r, actor=screener)),
        (S.INFORMATION_GATHERING, lambda r: services.referral_start_information_gathering(referral=r, actor=screener)),
        (S.WITH_CHANNEL, lambda r: services.referral_refer_to_channel(referral=r, actor=screener)),
    ]
    if stage in (*CLOSED_STAGES, S.PURGED):
        path[3] = (
            S.CLOSED,
            lambda r: services.referral_close(
                referral=r, actor=screener, reason_code=ClosingReason.NFA_NO_CONCERN, summary="Closed in the matrix."
            ),
        )
    for _reached, step in path:
        if referral.status == stage:
            break
        referral = step(referral)
    if stage in (S.TRANSFERRING, S.TRANSFERRED, S.PURGED):
        referral = _transferred(referral, acknowledge=stage != S.TRANSFERRING)
    if stage == S.PURGED:  # by the scheduled purge: the referral object keeps its reference, its rows are gone
        from closure.services.purge import case_purge

        case_purge(reference=referral.reference, actor=None, via="schedule")
        return referral
    assert referral.status == stage
    if stage == S.SCREENING:  # the police gateway check comes first, so the screening outcome can be recorded
        GatewayCheck.objects.create(referral=referral, recorded_by=screener, counter_terrorism=False, note="Matrix.")
    return referral


def _transferred(referral, *, acknowledge: bool):
    """Build the closed case's package (closed -> transferring) and, if asked, accept CTP's receipt of it
    (-> transferred), signed with the test settings' CTP receipt key."""
    from closure.receipts import receipt_build
    from closure.services import transfer_package_build, transfer_receipt_accept

    transfer = transfer_package_build(transfer_id=referral.transfer.pk)
    if acknowledge:
        receipt = receipt_build(
            signing_key=b"r" * 32,  # config/settings/test.py: CTP_SIGNING_PUBLIC_KEY is this seed's public key
            package_id=str(transfer.package_id),
            package_sha256=transfer.package_sha256,
            case_reference=referral.reference,
            received_at="2026-11-28T12:00:00+00:00",
        )
        transfer_receipt_accept(data=receipt, actor=None, via="command")
    referral.refresh_from_db()
    return referral


@pytest.fixture
def world(local_authority, other_local_authority, make_user):
    return {"own": local_authority, "other": other_local_authority, "make_user": make_user}


def _user(role: str, situation: str, world, case, request):
    if role == ANONYMOUS:
        return None
    if role == SUPERUSER:
        return request.getfixturevalue("superuser")
    if role == Role.REFERRER and situation != "other_authority" and case is not None:
        return case["referrer"]
    authority = world["other"] if situation == "other_authority" else world["own"]
    return world["make_user"](authority, role, prefix="other-" if situation == "other_authority" else "")


def _case(stage: str, world, *, with_request: bool = False):
    referrer = world["make_user"](world["own"], Role.REFERRER)
    screener = world["make_user"](world["own"], Role.TRIAGE_OFFICER, prefix="screener-")
    referral = _case_at(stage, referrer, screener)
    witness = world["make_user"](world["own"], Role.PANEL_MEMBER, prefix="witness-")
    grant = None
    if stage not in (S.DRAFT, S.PURGED):
        grant = grant_row(referral, witness, granted_by=screener, expires_in=datetime.timedelta(days=1))
    case = {"referral": referral, "referrer": referrer, "grant": grant, "screener": screener}
    case["purged"] = stage == S.PURGED
    if with_request:  # an open request (with an answer's file) to another partner contributor of the council
        partner = world["make_user"](world["own"], Role.PARTNER_CONTRIBUTOR, prefix="addressee-")
        case["request"] = _request(case, world, addressee=partner, grant_for=datetime.timedelta(days=1))
    return case


def _request(case, world, *, addressee, grant_for):
    return request_row(
        referral=case["referral"],
        created_by=case["screener"],
        addressee=addressee,
        organisation=organisation_in(world["own"]),
        grant_for=grant_for,
    )


def _kwargs(url_name: str, *, variant: str, situation: str, user, case, world) -> dict:
    """A value for every argument of the URL, for this situation."""
    names = URLS[url_name]
    fillers: dict = {"transition": variant, "section": variant, "step": "council"}
    if case is not None:
        referral = case["referral"]
        fillers |= {
            "reference": referral.reference,
            "draft_id": referral.pk,
            "attachment_id": 0 if case.get("purged") else referral.attachments.get().pk,
            "grant_id": case["grant"].pk if case["grant"] else 0,
        }
        if "request" in case:
            fillers |= {"request_id": case["request"].pk, "file_id": case["request"].attachments.get().pk}
    if names & TARGET_ARGUMENTS:
        mine = situation == "target_in_own_authority"
        target = world["make_user"](
            world["own"] if mine else world["other"], Role.PARTNER_CONTRIBUTOR, prefix="target-"
        )
        if url_name.startswith("accounts:passkey-"):
            owner = user if mine and user is not None else target
            fillers["pk"] = WebAuthnCredential.objects.create(
                user=owner, credential_id=b"matrix-" + bytes(str(owner.pk), "ascii"), public_key=b"k", sign_count=0
            ).pk
        else:
            fillers["pk"] = fillers["user_id"] = target.pk
    if url_name.startswith("admin:"):
        fillers |= _admin_fillers(url_name, world)
    if "token" in names:
        lead = world["make_user"](world["own"], Role.PREVENT_LEAD, prefix="inviter-")
        fillers["token"] = invitation_token(
            user_invite(actor=lead, email="invited@test.example.org", role=Role.PARTNER_CONTRIBUTOR)
        )
    missing = names - set(fillers)
    assert not missing, f"{url_name}: add a value for {sorted(missing)} to the matrix's fillers"
    return {name: fillers[name] for name in names}


def _admin_record(label: str, world):
    """One row of a model registered in the admin, for its change, history and delete pages."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import Organisation

    holder = world["make_user"](world["own"], Role.PARTNER_CONTRIBUTOR, prefix="record-")
    attempt = {"username": holder.email, "ip_address": "192.0.2.1", "user_agent": "matrix"}
    makers = {
        "otp_totp_totpdevice": lambda: TOTPDevice.objects.create(user=holder, name="Matrix app", confirmed=True),
        "otp_static_staticdevice": lambda: StaticDevice.objects.create(user=holder, name="Matrix codes"),
        "django_otp_webauthn_webauthncredential": lambda: WebAuthnCredential.objects.create(
            user=holder, credential_id=b"matrix-admin", public_key=b"k", sign_count=0
        ),
        "axes_accessattempt": lambda: AccessAttempt.objects.create(failures_since_start=1, **attempt),
        "axes_accesslog": lambda: AccessLog.objects.create(**attempt),
        "axes_accessfailurelog": lambda: AccessFailureLog.objects.create(**attempt),
        "accounts_localauthority": lambda: world["own"],
        "accounts_organisation": lambda: Organisation.objects.create(
            name="Matrix school", sector="education", local_authority=world["own"]
        ),
        "accounts_user": lambda: holder,
        "mash_screeningreason": lambda: ScreeningReason.objects.get(code="SIGNPOSTED_OTHER"),
    }
    assert label in makers, f"admin: the model {label} is new; add a row maker to _admin_record"
    return makers[label]()


def _admin_fillers(url_name: str, world) -> dict:
    names = URLS[url_name]
    if "content_type_id" in names:  # view on site
        return {"content_type_id": ContentType.objects.get_for_model(world["own"]).pk, "object_id": world["own"].pk}
    if "app_label" in names:
        return {"app_label": "accounts"}
    label = url_name.removeprefix("admin:").rsplit("_", 1)[0]
    if "object_id" in names or "id" in names:
        record = _admin_record("accounts_user" if label in ("accounts_user", "auth_user_password") else label, world)
        return {"object_id": record.pk, "id": record.pk}
    return {}


def _api_headers(user) -> dict:
    if user is None:
        return {}
    _, token = api_token_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Token {token}"}


@pytest.mark.parametrize(("url_name", "method", "variant", "stage", "role", "situation"), COMBINATIONS)
def test_access_matrix(client, request, world, *, url_name, method, variant, stage, role, situation):
    rule = RULES.get((url_name, method, variant))
    assert rule is not None, f"{url_name} is a URL of the service: declare who may use it in RULES (ACCESS.md)"
    case = _case(stage, world, with_request="request_id" in URLS[url_name]) if stage else None
    user = _user(role, situation, world, case, request)
    if is_request_url(url_name) and situation in ("addressee", "grant_ended"):
        # The request is addressed to the user under test, whatever their role: only a partner's grant opens it.
        ended = situation == "grant_ended"
        grant_for = datetime.timedelta(days=-1 if ended else 1)
        case["request"] = _request(case, world, addressee=user, grant_for=grant_for)
    if (
        case is not None
        and user is not None
        and situation in ("with_grant", "with_expired_grant")
        and stage != S.PURGED
    ):
        expires_in = datetime.timedelta(days=1 if situation == "with_grant" else -1)
        grant_row(case["referral"], user, granted_by=case["referrer"], expires_in=expires_in)
    url = reverse(
        url_name, kwargs=_kwargs(url_name, variant=variant, situation=situation, user=user, case=case, world=world)
    )
    if url_name.startswith("api:"):
        response = client.generic(method, url, **_api_headers(user))
    else:
        if user is not None:
            client.force_login(user)
        response = client.generic(method, url)
    expected = rule(Who(role, situation, stage))
    assert response.status_code == expected, f"got {response.status_code}, expected {expected}"
    # A 403, and a 404 of a URL that names a case or a record, is a refusal of that user, audited (by the
    # middleware, or by the service that refused with its own details).
    if user is not None and (expected == 403 or (expected == 404 and URLS[url_name] & RECORD_ARGUMENTS)):
        refusals = AuditEvent.objects.filter(outcome="refused", actor_id=user.pk)
        if case is not None and "reference" in URLS[url_name]:
            refusals = refusals.filter(case_reference=case["referral"].reference)
        assert refusals.exists(), "refusal not audited"
    if expected == 200 and url_name in ("referrals:referral-detail", "referrals:referral-section"):
        assert AuditEvent.objects.filter(action="CASE_CONTENT_READ", actor_id=user.pk).exists()


def test_the_matrix_covers_every_url_role_and_stage():
    assert {"referrals:referral-detail", "accounts:user-list", "audit:event-search", "home"} <= set(URLS)
    assert len(ROLES) == len(Role.values) + 2
    assert {stage for url in URLS for stage in stages(url)} == {"", *STAGES}
    unused = {key for key in RULES if key[0] not in URLS}
    assert not unused, f"RULES name URLs the URL conf no longer has: {sorted(unused)}"
