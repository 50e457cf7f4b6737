"""The access matrix of ACCESS.md: every URL of the URL conf x every role x every stage of a case.

URLs are found by walking the URL conf, so a new page joins the matrix by itself, and fails here until
RULES below says who may use it (and with which methods). Three kinds of URL:
- case URLs (a `reference` or `draft_id` argument): every stage a case can be in (a draft has no
  reference, so reference URLs start at "submitted") x every role x four situations (a user of the
  case's authority, of another authority, holding a current grant on the case, holding an expired one);
- user URLs (a user's number): own authority's user or another authority's;
- the rest: every role, once.
Each expected 403 and 404 of a signed-in user must have left an ACCESS_REFUSED event (anonymous clients'
refusals are counted, not recorded one by one). tests/conftest.py prints the count.
The users and cases are built once per module (`world`, below) and each combination is one request in a
savepoint of its own, rolled back after it: nothing a combination does is seen by the next.
"""

from __future__ import annotations

import datetime
import io
import os
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts.models import LocalAuthority, Nation, Role, User
from accounts.services import api_token_create, invitation_token, user_invite
from audit.models import AuditEvent
from channel.models import (
    ChannelCase,
    Intervention,
    InterventionType,
    InterventionUserObjectPermission,
    VAFCatalogue,
)
from mash.models import GatewayCheck, ScreeningReason
from referrals import services
from referrals.choices import ClosingReason, ReferralStatus
from tests.conftest import TEST_PASSWORD, _make_user
from tests.mash.factories import organisation_in, request_row

from .factories import draft_referral, grant_row

pytestmark = [pytest.mark.django_db, pytest.mark.access_matrix]

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
# A provider's intervention URL (an `intervention_id` and no case reference): the user is the intervention's
# provider (holding its grant, the case supported), or it is another provider's.
INTERVENTION_SITUATIONS = ("provider_of_it", "not_provider_of_it")

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


def _receipt_reload(who: Who) -> int:
    """The receipt's address reloaded (a GET, after a refused receipt): back to the case's Closure section (302)
    for anyone who sees the case, the section deciding what they may read; 404 otherwise."""
    if not who.signed_in:
        return LOGIN
    return 302 if who.visible else 404


def _sees_panel(who: Who) -> bool:
    """A council's panel and its meetings: its chair and Prevent lead, and its members (the matrix makes a panel
    member of the council a member of its panel); to anyone else they do not exist (404)."""
    return who.in_case_authority and who.role in (Role.CHANNEL_CHAIR, Role.PREVENT_LEAD, Role.PANEL_MEMBER)


def _panel_page(*, manager: int, member: int) -> Rule:
    """A panel or meeting page (channel/meetings): managers (chair, Prevent lead) and members as given."""
    return signed_in(lambda who: (member if who.role == Role.PANEL_MEMBER else manager) if _sees_panel(who) else 404)


def _agenda_case(*, chair: int, lead: int, member: int) -> Rule:
    """A case on a meeting's agenda (the matrix's meeting has the case on it once it is with Channel): 404
    unless the meeting and the case are visible to the user (a panel member: through a current grant)."""

    def rule(who: Who) -> int:
        if not (_sees_panel(who) and who.stage == S.WITH_CHANNEL and who.visible):
            return 404
        return {Role.CHANNEL_CHAIR: chair, Role.PREVENT_LEAD: lead}.get(who.role, member)

    return signed_in(rule)


def _support_page(*, possible_when_listed: bool, ok: int = 200) -> Rule:
    """A Channel support page of a case (channel/support/views.py): 404 unless the case is visible and a
    Channel case; 403 (audited) for anyone but the chair and triage officer of its council; then the form
    (200, or its errors when POSTed empty), or, where the step is not possible for a listed case (no consent
    yet, no exit), 302 back to the section with a message."""

    def rule(who: Who) -> int:
        if not who.signed_in:
            return LOGIN
        if not who.visible or who.stage != S.WITH_CHANNEL:
            return 404
        if not who.holds(Role.CHANNEL_CHAIR, Role.TRIAGE_OFFICER):
            return 403
        return ok if possible_when_listed else 302

    return rule


def _provider_page(who: Who) -> int:
    """ACCESS.md "per-intervention": only the intervention's own provider (their grant); 404 for anyone else."""
    if not who.signed_in:
        return LOGIN
    return 200 if who.role == Role.INTERVENTION_PROVIDER and who.situation == "provider_of_it" else 404


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
    # The panel's decisions are recorded at a meeting (ACCESS.md: only with quorum): their step pages send
    # whoever sees the case to its Panel section (302), and change nothing.
    ("channel:case-step", "GET", "adopt"): _channel_step(lambda who: True, possible_when_listed=True, ok=302),
    ("channel:case-step", "POST", "adopt"): _channel_step(lambda who: True, possible_when_listed=True, ok=302),
    ("channel:case-step", "POST", "withdraw"): _channel_step(
        lambda who: who.holds(Role.CHANNEL_CHAIR, Role.PREVENT_LEAD), possible_when_listed=True
    ),
    ("channel:case-step", "POST", "record_consent_given"): _channel_step(
        lambda who: who.holds(Role.CHANNEL_CHAIR, Role.TRIAGE_OFFICER), possible_when_listed=False
    ),
    # --- Channel panels and meetings (channel/meetings): managed by the council's chair and Prevent lead,
    # read by the panel's members; views and decisions by the chair (POSTed empty: the form's errors, 200).
    ("referrals:referral-section", "GET", "panel"): case_page(lambda who: who.stage == S.WITH_CHANNEL),
    ("channel:panel-list", "GET", ""): role_page(
        Role.CHANNEL_CHAIR, Role.PREVENT_LEAD, Role.PANEL_MEMBER, Role.POLICE_PREVENT_OFFICER
    ),
    ("channel:panel-detail", "GET", ""): _panel_page(manager=200, member=200),
    ("channel:panel-create", "GET", ""): role_page(Role.CHANNEL_CHAIR, Role.PREVENT_LEAD),
    ("channel:panel-create", "POST", ""): role_page(Role.CHANNEL_CHAIR, Role.PREVENT_LEAD),
    ("channel:panel-member-add", "GET", ""): _panel_page(manager=200, member=403),
    ("channel:panel-member-add", "POST", ""): _panel_page(manager=200, member=403),
    # Another member of the panel: the confirmation, then (POST) removed and back to the panel.
    ("channel:panel-member-remove", "GET", ""): _panel_page(manager=200, member=403),
    ("channel:panel-member-remove", "POST", ""): _panel_page(manager=302, member=403),
    ("channel:meeting-create", "GET", ""): _panel_page(manager=200, member=403),
    ("channel:meeting-create", "POST", ""): _panel_page(manager=200, member=403),
    ("channel:meeting-detail", "GET", ""): _panel_page(manager=200, member=200),
    ("channel:meeting-date", "GET", ""): _panel_page(manager=200, member=403),
    ("channel:meeting-date", "POST", ""): _panel_page(manager=200, member=403),
    ("channel:meeting-attendance", "GET", ""): _panel_page(manager=200, member=403),
    # The matrix's panel has no members: there is no attendance to ask for, so it is saved as it is (302).
    ("channel:meeting-attendance", "POST", ""): _panel_page(manager=302, member=403),
    ("channel:meeting-record", "GET", ""): _panel_page(manager=200, member=200),
    ("channel:agenda-add", "POST", ""): _panel_page(manager=200, member=403),
    ("channel:agenda-item", "GET", ""): _agenda_case(chair=200, lead=200, member=200),
    ("channel:agenda-move", "POST", ""): _agenda_case(chair=302, lead=302, member=403),
    ("channel:agenda-remove", "POST", ""): _agenda_case(chair=302, lead=302, member=403),
    ("channel:agenda-minutes", "POST", ""): _agenda_case(chair=200, lead=200, member=403),
    # A member gives their own view (the matrix's member is not recorded present: the form's errors, 200).
    ("channel:agenda-views", "POST", ""): _agenda_case(chair=200, lead=403, member=200),
    ("channel:agenda-decision", "POST", ""): _agenda_case(chair=200, lead=403, member=403),
    ("referrals:referral-attachment", "GET", ""): case_page(lambda who: True),
    # --- closure: the Closure section once the case is closed (its readers), the council's transfers in progress
    # (Prevent lead, and the police Prevent officer as the CTP liaison), and confirming a receipt.
    ("referrals:referral-section", "GET", "closure"): case_page(lambda who: who.reader and who.stage in CLOSED_STAGES),
    ("closure:transfer-list", "GET", ""): role_page(Role.PREVENT_LEAD, Role.POLICE_PREVENT_OFFICER),
    ("closure:transfer-receipt", "POST", ""): _receipt_upload,
    ("closure:transfer-receipt", "GET", ""): _receipt_reload,
    # --- Channel support (channel/support): the Consent, Support and Reviews sections are read as the Channel
    # section is; the VAF, consent, support plan and post-exit review pages are the chair's and the triage
    # officer's. The matrix's Channel case is "listed": only the VAF can be recorded then.
    ("referrals:referral-section", "GET", "consent"): case_page(lambda who: who.stage == S.WITH_CHANNEL),
    ("referrals:referral-section", "GET", "support"): case_page(lambda who: who.stage == S.WITH_CHANNEL),
    ("referrals:referral-section", "GET", "reviews"): case_page(lambda who: who.stage == S.WITH_CHANNEL),
    ("channel:vaf-assessment-create", "GET", ""): _support_page(possible_when_listed=True),
    ("channel:vaf-assessment-create", "POST", ""): _support_page(possible_when_listed=True),
    ("channel:consent-record", "GET", ""): _support_page(possible_when_listed=False),
    ("channel:consent-record", "POST", ""): _support_page(possible_when_listed=False),
    ("channel:intervention-create", "GET", ""): _support_page(possible_when_listed=False),
    ("channel:intervention-create", "POST", ""): _support_page(possible_when_listed=False),
    ("channel:intervention-start", "GET", ""): _support_page(possible_when_listed=False),
    ("channel:intervention-start", "POST", ""): _support_page(possible_when_listed=False),
    ("channel:intervention-end", "GET", ""): _support_page(possible_when_listed=True),
    ("channel:intervention-end", "POST", ""): _support_page(possible_when_listed=True),
    ("channel:intervention-session-create", "GET", ""): _support_page(possible_when_listed=False),
    ("channel:intervention-session-create", "POST", ""): _support_page(possible_when_listed=False),
    ("channel:post-exit-review-record", "GET", ""): _support_page(possible_when_listed=False),
    ("channel:post-exit-review-record", "POST", ""): _support_page(possible_when_listed=False),
    # The provider's own pages: their list (providers only), and one intervention (its provider only).
    ("channel:provider-home", "GET", ""): role_page(Role.INTERVENTION_PROVIDER),
    ("channel:provider-intervention", "GET", ""): _provider_page,
    ("channel:provider-intervention", "POST", ""): _provider_page,
    # Purge now (the Prevent lead of the case's council, once transferred and the hold period over: 302 to the
    # certificate); at another stage the Closure section says why (302); anyone else who sees the case 403.
    ("closure:case-purge", "POST", ""): _purge_now,
    ("closure:case-purge", "GET", ""): any_user(405),
    # The council's purge certificates: its Prevent lead and auditor; another council's certificate is a 404.
    ("closure:certificate-list", "GET", ""): role_page(Role.PREVENT_LEAD, Role.AUDITOR),
    # The council's Prevent statistics (benchmarking): its Prevent lead and auditor; this financial year by default.
    ("benchmarking:report", "GET", ""): role_page(Role.PREVENT_LEAD, Role.AUDITOR),
    ("benchmarking:download", "GET", ""): role_page(Role.PREVENT_LEAD, Role.AUDITOR),
    # The toolkit self-assessment and the Channel assurance statement: read by the lead and the auditor, changed
    # by the lead only (an empty POST: the form's errors, 200; submitting with nothing rated: the reason, 200).
    ("benchmarking:self-assessment", "GET", ""): role_page(Role.PREVENT_LEAD, Role.AUDITOR),
    ("benchmarking:assurance-statement", "GET", ""): role_page(Role.PREVENT_LEAD, Role.AUDITOR),
    ("benchmarking:assurance-download", "GET", ""): role_page(Role.PREVENT_LEAD, Role.AUDITOR),
    ("benchmarking:self-assessment-section", "GET", ""): role_page(Role.PREVENT_LEAD),
    ("benchmarking:self-assessment-section", "POST", ""): role_page(Role.PREVENT_LEAD),
    ("benchmarking:assurance-area", "GET", ""): role_page(Role.PREVENT_LEAD),
    ("benchmarking:assurance-area", "POST", ""): role_page(Role.PREVENT_LEAD),
    ("benchmarking:assurance-submit", "GET", ""): role_page(Role.PREVENT_LEAD),
    ("benchmarking:assurance-submit", "POST", ""): role_page(Role.PREVENT_LEAD),
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
RECORD_ARGUMENTS = CASE_ARGUMENTS | TARGET_ARGUMENTS | {"request_id", "intervention_id"}


def is_intervention_url(url_name: str) -> bool:
    return "intervention_id" in URLS[url_name] and "reference" not in URLS[url_name]


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
    if is_intervention_url(url_name):
        return INTERVENTION_SITUATIONS
    if "reference" in arguments:
        return CASE_SITUATIONS
    return DRAFT_SITUATIONS if "draft_id" in arguments else ("-",)


def stages(url_name: str) -> list[str]:
    arguments = URLS[url_name]
    if is_request_url(url_name):
        return [S.INFORMATION_GATHERING]  # a request is made while its case is in information gathering
    if is_intervention_url(url_name):
        return [S.WITH_CHANNEL]  # an intervention belongs to a Channel case
    if url_name in CERTIFICATE_URLS:
        return [S.PURGED]  # a purged case is only its certificate
    held = [stage for stage in STAGES if stage != S.PURGED]  # a purged case's rows are gone: no case URL serves it
    if "reference" in arguments:
        return [stage for stage in held if stage != S.DRAFT]  # a draft has no reference yet
    return held if "draft_id" in arguments else [""]


def _rows(url_name: str) -> list[tuple[str, str]]:
    return sorted({(method, variant) for (name, method, variant) in RULES if name == url_name}) or [("UNDECLARED", "")]


# ACCESS_MATRIX_EVERY=N checks a fixed one in N of the combinations (by a hash of each one's id), and at least
# one of every URL and method: CI's PostgreSQL pass, where the whole matrix alone would take about 10 more minutes;
# CI's SQLite pass, and `make test` by default, check every combination.
EVERY = int(os.environ.get("ACCESS_MATRIX_EVERY", "1"))


def _sampled(params: list) -> list:
    if EVERY <= 1:
        return params
    kept, rows = [], set()
    for param in params:
        row = tuple(param.values[:3])
        if row not in rows or zlib.crc32(param.id.encode()) % EVERY == 0:
            kept.append(param)
            rows.add(row)
    return kept


COMBINATIONS = _sampled(
    [
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
)


def _case_at(stage: str, referrer, screener, *, given_name: str):
    """A case with an attachment, at the stage, reached through the services (so each stage is a real one)."""
    referral = draft_referral(user=referrer, given_name=given_name)
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


# --- the world: built once per module (per xdist worker), inside a transaction of its own that is rolled back
# at the end. Each combination runs in a savepoint inside it (pytest-django's `db`, a django TestCase), so
# whatever a request writes (a transition, a deactivation, a grant, an audit event) is undone before the next
# combination, exactly as when each combination built its own world; only the building is no longer repeated
# 10,000 times. The same users and cases serve every combination: one user per role in each authority (with
# the confirmed authenticator that signing in would give them), a superuser, and a case at each stage, with
# and without an open information request. Each case is about a different person, so none is a repeat
# referral of another (as when each combination had a single case).
# A given name for each case (letters only, as the journey asks): Alexa, Alexb, ...
SUBJECTS = tuple(f"Alex{letter}" for letter in "abcdefghijklmnopqrstuvwxyz")


def _build_world() -> dict:
    from tests.channel.support.reference import channel_reference_seed

    channel_reference_seed()  # the VAF catalogue and intervention types, whatever test ran before in this process
    own = LocalAuthority.objects.create(name="Testshire County Council", ons_code="E10000901", nation=Nation.ENGLAND)
    other = LocalAuthority.objects.create(name="Otherton Borough Council", ons_code="W06000902", nation=Nation.WALES)
    world: dict = {"own": own, "other": other, "make_user": _make_user}
    users = {}
    for role in Role.values:
        users[(role, "own")] = _make_user(own, role)
        users[(role, "other")] = _make_user(other, role, prefix="other-")
    superuser = User.objects.create_superuser(email="root@test.example.org", password=TEST_PASSWORD)
    for user in [*users.values(), superuser]:
        TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    world |= {"users": users, "superuser": superuser}
    world["screener"] = _make_user(own, Role.TRIAGE_OFFICER, prefix="screener-")
    world["witness"] = _make_user(own, Role.PANEL_MEMBER, prefix="witness-")
    world["addressee"] = _make_user(own, Role.PARTNER_CONTRIBUTOR, prefix="addressee-")
    subjects = iter(SUBJECTS)
    world["cases"] = {
        (stage, with_request): _new_case(stage, world, with_request=with_request, given_name=next(subjects))
        for stage in STAGES
        for with_request in ((False,) if stage in (S.DRAFT, S.PURGED) else (False, True))
    }
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer._from_testcase = True  # as django's TestCase marks its own: a durable block may run inside it
        outer.__enter__()
        try:
            built = _build_world()
            built["stored_files"] = _stored_files()
            signed_in_users = [*built["users"].values(), built["superuser"]]
            built["sessions"] = _sessions(signed_in_users)
            built["tokens"] = {user.pk: api_token_create(user=user)[1] for user in signed_in_users}
            # The world's sessions are signed in once and must outlast a long run; the idle limit has its own
            # tests (tests/accounts), the matrix checks who may use which URL.
            with override_settings(SESSION_IDLE_TIMEOUT=24 * 60 * 60):
                yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _sessions(users) -> dict[int, str]:
    """A signed-in session with a verified second factor per user (tests/conftest.py's force_login), made with the
    world and rolled back with it: signing in anew for each of 20,000 combinations was a third of the matrix's
    time. A combination that changes a session (activity, sign-out, revocation) does so in its own savepoint."""
    sessions = {}
    for user in users:
        signer = Client()
        signer.force_login(user)
        sessions[user.pk] = signer.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


def _stored_files() -> dict:
    """The world's encrypted files (path -> bytes): the rows are rolled back after each combination, the files are
    not, so a combination that purges a case of the world (the Prevent lead's "purge now") would take its files
    from every later combination in this process."""
    from django.conf import settings

    from mash.models import InformationRequestAttachment
    from referrals.models import ReferralAttachment

    refs = [*ReferralAttachment.objects.values_list("file_ref", flat=True)]
    refs += InformationRequestAttachment.objects.values_list("file_ref", flat=True)
    paths = [settings.ENCRYPTION_FILE_ROOT / ref[:2] / ref for ref in refs]
    return {path: path.read_bytes() for path in paths}


@pytest.fixture(autouse=True)
def _world_files_kept(request):
    """After each combination, put back any file of the world a purge removed."""
    yield
    if "world" in request.fixturenames:
        for path, content in request.getfixturevalue("world")["stored_files"].items():
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)


def _user(role: str, situation: str, world, case):
    if role == ANONYMOUS:
        return None
    if role == SUPERUSER:
        return world["superuser"]
    if role == Role.REFERRER and situation != "other_authority" and case is not None:
        return case["referrer"]
    return world["users"][(role, "other" if situation == "other_authority" else "own")]


def _new_case(stage: str, world, *, with_request: bool, given_name: str):
    referrer, screener = world["users"][(Role.REFERRER, "own")], world["screener"]
    referral = _case_at(stage, referrer, screener, given_name=given_name)
    grant = None
    if stage not in (S.DRAFT, S.PURGED):
        grant = grant_row(referral, world["witness"], granted_by=screener, expires_in=datetime.timedelta(days=1))
    case = {"referral": referral, "referrer": referrer, "grant": grant, "screener": screener}
    case["purged"] = stage == S.PURGED
    if with_request:  # an open request (with an answer's file) to another partner contributor of the council
        case["request"] = _request(case, world, addressee=world["addressee"], grant_for=datetime.timedelta(days=1))
    return case


def _case(stage: str, world, *, with_request: bool = False, with_intervention: bool = False):
    """The world's case at this stage (a copy of its entry: a combination may point "request" elsewhere), with an
    intervention of its Channel case when the URL names one (a row of this combination, rolled back after it)."""
    case = dict(world["cases"][(stage, with_request)])
    if with_intervention and stage == S.WITH_CHANNEL:
        case["intervention"] = Intervention.objects.create(
            channel_case=ChannelCase.objects.get(referral=case["referral"]),
            intervention_type=InterventionType.objects.get(code="OTHER"),
            owner=case["screener"],
            planned_start=datetime.date(2026, 1, 5),
            created_by=case["screener"],
        )
    return case


def _providers_intervention(case, world, *, provider):
    """The case taken to "supported" through the services, and an intervention with this provider and its grant
    (written as the support service writes it, whatever the user's role, so only the role rule can refuse)."""
    from channel.services import channel_case_transition
    from channel.support.plan import VIEW_PERMISSION

    chair = world["make_user"](world["own"], Role.CHANNEL_CHAIR, prefix="matrix-chair-")
    channel_case = ChannelCase.objects.select_related("referral").get(referral=case["referral"])
    channel_case_transition(channel_case=channel_case, actor=chair, transition="adopt", note="Matrix.")
    today = datetime.date.today()  # noqa: DTZ011 - a date in the past is all that matters
    channel_case_transition(
        channel_case=channel_case, actor=case["screener"], transition="record_consent_given", consent_date=today
    )
    intervention = Intervention.objects.create(
        channel_case=channel_case,
        intervention_type=InterventionType.objects.get(code="MENTORING"),
        provider=provider,
        planned_start=today,
        created_by=chair,
    )
    InterventionUserObjectPermission.objects.create(
        user=provider,
        permission=Permission.objects.get(content_type__app_label="channel", codename=VIEW_PERMISSION),
        content_object=intervention,
        granted_by=chair,
    )
    return intervention


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
    # The assurance pages' year, toolkit section and statement area (benchmarking).
    fillers: dict = {"transition": variant, "section": variant, "step": "council", "year": 2025, "number": 4}
    fillers["area"] = "quorum"
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
        # Before the case is with Channel it has no intervention: a made-up one (the case's 404 comes first).
        fillers["intervention_id"] = case["intervention"].pk if "intervention" in case else uuid.uuid4()
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
    if names & {"panel_id", "meeting_id"}:
        fillers |= _panel_fillers(user=user, case=case, world=world)
    if "member_id" in names:
        from channel.models import PanelMember

        other = world["make_user"](world["own"], Role.PANEL_MEMBER, prefix="other-member-")
        fillers["member_id"] = PanelMember.objects.create(panel_id=fillers["panel_id"], user=other, sector="health").pk
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


def _panel_fillers(*, user, case, world) -> dict:
    """A panel of the case's council meeting today, with the user under test as a member if they are a panel
    member of that council, and the case on the agenda once it is with Channel."""
    from django.utils import timezone

    from channel.models import AgendaItem, ChannelCase, Meeting, Panel, PanelMember

    panel = Panel.objects.create(local_authority=world["own"], name="Matrix panel", police_force="Matrix Police")
    if user is not None and user.role == Role.PANEL_MEMBER and user.local_authority_id == world["own"].pk:
        PanelMember.objects.create(panel=panel, user=user, sector="health")
    meeting = Meeting.objects.create(panel=panel, date=timezone.localdate())
    if case is not None and case["referral"].status == S.WITH_CHANNEL:
        channel_case = ChannelCase.objects.get(referral=case["referral"])
        AgendaItem.objects.create(meeting=meeting, channel_case=channel_case, order=1)
    return {"panel_id": panel.pk, "meeting_id": meeting.pk}


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
        "channel_vafcatalogue": lambda: VAFCatalogue.objects.get(version=1),
        "channel_interventiontype": lambda: InterventionType.objects.get(code="OTHER"),
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


def _api_headers(user, world) -> dict:
    if user is None:
        return {}
    return {"HTTP_AUTHORIZATION": f"Token {world['tokens'][user.pk]}"}


@pytest.mark.parametrize(("url_name", "method", "variant", "stage", "role", "situation"), COMBINATIONS)
def test_access_matrix(client, world, *, url_name, method, variant, stage, role, situation):
    rule = RULES.get((url_name, method, variant))
    assert rule is not None, f"{url_name} is a URL of the service: declare who may use it in RULES (ACCESS.md)"
    case = (
        _case(
            stage,
            world,
            with_request="request_id" in URLS[url_name],
            with_intervention="intervention_id" in URLS[url_name],
        )
        if stage
        else None
    )
    user = _user(role, situation, world, case)
    if is_request_url(url_name) and situation in ("addressee", "grant_ended"):
        # The request is addressed to the user under test, whatever their role: only a partner's grant opens it.
        ended = situation == "grant_ended"
        grant_for = datetime.timedelta(days=-1 if ended else 1)
        case["request"] = _request(case, world, addressee=user, grant_for=grant_for)
    if is_intervention_url(url_name) and user is not None:
        # The intervention is the user's own (whatever their role: only a provider's grant opens it), or another
        # provider's of the same council.
        other = world["make_user"](world["own"], Role.INTERVENTION_PROVIDER, prefix="other-provider-")
        provider = user if situation == "provider_of_it" else other
        case["intervention"] = _providers_intervention(case, world, provider=provider)
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
        response = client.generic(method, url, **_api_headers(user, world))
    else:
        if user is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][user.pk]
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
