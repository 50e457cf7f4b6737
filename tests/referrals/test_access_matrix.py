"""The access matrix of ACCESS.md: every case URL x every role x four situations -> the expected status.

Case URLs are found by walking the URL conf: every pattern in the `referrals` or `api` namespace with a
`reference` argument. A new case URL joins by itself, and fails here until ACCESS below says who may use it.
Each 403 and 404 must have left an ACCESS_REFUSED event. tests/referrals/conftest.py prints the count.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Role
from accounts.services import api_token_create
from audit.models import AuditEvent
from referrals import services

from .factories import draft_referral, grant_row

pytestmark = pytest.mark.django_db

CASE_NAMESPACES = ("referrals", "api")
ROLES = [*Role.values, "superuser"]
SITUATIONS = ["own_authority", "other_authority", "with_grant", "with_expired_grant"]
READERS = {Role.TRIAGE_OFFICER, Role.POLICE_PREVENT_OFFICER, Role.PREVENT_LEAD}
# The matrix's case is submitted: of the grant rows, only a Prevent lead's (break-glass) opens it. A panel
# member's opens a case only while it is with Channel, a partner contributor's never (ACCESS.md; both in
# test_grants.py).
GRANT_HOLDERS = {Role.PREVENT_LEAD}
MANAGERS = {Role.TRIAGE_OFFICER, Role.PREVENT_LEAD}


def case_urls() -> dict[str, set[str]]:
    """Every URL name in a case namespace whose pattern takes a `reference`, with its arguments, from the URL conf."""
    found: dict[str, set[str]] = {}

    def walk(patterns: list, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, f"{namespace}:{entry.namespace}".strip(":") if entry.namespace else namespace)
                continue
            arguments = set(entry.pattern.regex.groupindex) if isinstance(entry, URLPattern) else set()
            if entry.name and "reference" in arguments and namespace.split(":", maxsplit=1)[0] in CASE_NAMESPACES:
                found[f"{namespace}:{entry.name}"] = arguments

    walk(get_resolver().url_patterns, "")
    return dict(sorted(found.items()))


@dataclass(frozen=True)
class Who:
    role: str
    situation: str

    @property
    def in_case_authority(self) -> bool:
        return self.role != "superuser" and self.situation != "other_authority"

    @property
    def reader(self) -> bool:
        return self.in_case_authority and self.role in READERS

    @property
    def visible(self) -> bool:
        return self.reader or (self.situation == "with_grant" and self.role in GRANT_HOLDERS)

    @property
    def creator(self) -> bool:
        return self.in_case_authority and self.role == Role.REFERRER

    @property
    def manager(self) -> bool:
        return self.reader and self.role in MANAGERS


def _staff_page(allowed: Callable[[Who], bool], ok: int = 200) -> Callable[[Who], int]:
    """404 if the case is not visible; 403 if visible but the action is not theirs (ACCESS.md "Actions")."""
    return lambda who: (ok if allowed(who) else 403) if who.visible else 404


def _break_glass(who: Who) -> int:
    if who.visible:
        return 302  # already visible: sent to the case page
    return 200 if who.role == Role.PREVENT_LEAD and who.situation == "other_authority" else 404


# (url name, method) -> expected status for a Who. The referral is submitted by the referrer of its authority.
ACCESS: dict[tuple[str, str], Callable[[Who], int]] = {
    ("referrals:referral-detail", "GET"): lambda who: 200 if who.visible else 404,
    ("referrals:referral-attachment", "GET"): lambda who: 200 if who.visible else 404,
    ("referrals:referral-confirmation", "GET"): lambda who: 200 if who.creator else 404,
    ("referrals:referral-add-information", "GET"): lambda who: 200 if who.creator else 404,
    # Closing at "submitted": triage officer or Prevent lead of the case's authority.
    ("referrals:referral-transition", "GET"): _staff_page(lambda who: who.manager),
    # POSTing close without a reason: the form's errors (200) for those who may close.
    ("referrals:referral-transition", "POST"): _staff_page(lambda who: who.manager),
    ("referrals:referral-grants", "GET"): _staff_page(lambda who: who.manager),
    ("referrals:referral-grant-revoke", "POST"): _staff_page(lambda who: who.manager, ok=302),
    ("referrals:referral-grant-revoke", "GET"): lambda who: 405,
    ("referrals:referral-break-glass", "GET"): _break_glass,
    ("api:referral-status", "GET"): lambda who: 200 if who.creator else 404,
}

CASE_URLS = case_urls()
URL_NAMES = list(CASE_URLS)
COMBINATIONS = [
    pytest.param(url_name, method, role, situation, id=f"{url_name}-{method}-{role}-{situation}")
    for url_name in URL_NAMES
    for method in sorted({m for (name, m) in ACCESS if name == url_name} or {"UNDECLARED"})
    for role in ROLES
    for situation in SITUATIONS
]


@pytest.fixture
def case(local_authority, make_user):
    """A submitted case with an attachment, and a current grant of a witness partner (for revoke)."""
    referrer = make_user(local_authority, Role.REFERRER)
    referral = draft_referral(user=referrer)
    services.referral_attachment_add(
        referral=referral, actor=referrer, fileobj=io.BytesIO(b"%PDF-1.4 matrix"), filename="a.pdf", size=15
    )
    referral = services.referral_submit(referral=referral, actor=referrer)
    witness = make_user(local_authority, Role.PARTNER_CONTRIBUTOR, prefix="witness-")
    grant = grant_row(referral, witness, granted_by=referrer, expires_in=datetime.timedelta(days=1))
    return {"referral": referral, "referrer": referrer, "grant": grant}


def _user(role, situation, case, request, make_user):
    if role == "superuser":
        return request.getfixturevalue("superuser")
    if situation == "other_authority":
        return make_user(request.getfixturevalue("other_local_authority"), role, prefix="other-")
    if role == Role.REFERRER:
        return case["referrer"]
    return make_user(case["referral"].local_authority, role)


def _kwargs(url_name: str, case) -> dict:
    referral = case["referral"]
    fillers = {
        "reference": referral.reference,
        "attachment_id": referral.attachments.get().pk,
        "transition": "close",
        "grant_id": case["grant"].pk,
    }
    names = CASE_URLS[url_name]
    missing = names - set(fillers)
    assert not missing, f"{url_name}: add a value for {sorted(missing)} to the matrix's fillers"
    return {name: fillers[name] for name in names}


@pytest.mark.parametrize(("url_name", "method", "role", "situation"), COMBINATIONS)
def test_access_matrix(client, request, case, make_user, *, url_name, method, role, situation):
    rule = ACCESS.get((url_name, method))
    assert rule is not None, f"{url_name} is a case URL: declare who may use it in ACCESS (ACCESS.md)"
    user = _user(role, situation, case, request, make_user)
    if situation in ("with_grant", "with_expired_grant"):
        expires_in = datetime.timedelta(days=1 if situation == "with_grant" else -1)
        grant_row(case["referral"], user, granted_by=case["referrer"], expires_in=expires_in)
    url = reverse(url_name, kwargs=_kwargs(url_name, case))
    if url_name.startswith("api:"):
        _, token = api_token_create(user=user)
        response = client.generic(method, url, HTTP_AUTHORIZATION=f"Token {token}")
    else:
        client.force_login(user)
        response = client.generic(method, url)
    expected = rule(Who(role, situation))
    assert response.status_code == expected, (url_name, method, role, situation)
    if expected in (403, 404):
        assert AuditEvent.objects.filter(
            action="ACCESS_REFUSED", actor_id=user.pk, case_reference=case["referral"].reference
        ).exists(), "refusal not audited"
    if expected == 200 and url_name == "referrals:referral-detail":
        assert AuditEvent.objects.filter(action="CASE_CONTENT_READ", actor_id=user.pk).exists()


def test_the_matrix_covers_every_case_url_role_and_situation():
    assert {"referrals:referral-detail", "referrals:referral-grants", "api:referral-status"} <= set(URL_NAMES)
    assert len(ROLES) == 10
    assert len(COMBINATIONS) == sum(len({m for (n, m) in ACCESS if n == u}) for u in URL_NAMES) * 10 * 4
