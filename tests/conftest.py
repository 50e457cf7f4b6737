"""Shared fixtures: one user per role in one local authority, the same roles in a second one."""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from accounts.models import LocalAuthority, Nation, Role, User
from accounts.services import user_create_with_membership
from encryption.signing import ed25519_public_key

TEST_PASSWORD = "correct-horse-battery-staple-42"

# Personal-looking values that must never appear outside encrypted fields.
CANARIES = {
    "first_name": "Zephyrine-Canary",
    "last_name": "Quillfeather-Canary",
    "date_of_birth": "2009-02-17",
    "narrative": "Canary narrative text 7f3a9c about the concern",
}


def _random_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


REPO = Path(__file__).resolve().parents[1]


def run_with_production_settings(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """Run `python *args` in the repository with config.settings.production and exactly this environment."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings.production"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


_CHECKPOINT_SEED = secrets.token_bytes(32)


@pytest.fixture(autouse=True)
def _audit_checkpoint_dir(settings, tmp_path_factory) -> None:
    """Each test gets its own empty checkpoint folder, so no test's checkpoints anchor another's chain."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path_factory.mktemp("audit-checkpoints")


@pytest.fixture
def production_env(tmp_path) -> dict[str, str]:
    """A complete, valid production environment (for subprocess tests of config.settings.production)."""
    keyring = {"active": "prod-1", "keys": {"prod-1": _random_key()}}
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "prevent.example-council.gov.uk",
        "OTP_WEBAUTHN_RP_ID": "prevent.example-council.gov.uk",
        "OTP_WEBAUTHN_ALLOWED_ORIGINS": "https://prevent.example-council.gov.uk",
        "DATABASE_URL": "postgres://prevent:secret@127.0.0.1:5432/prevent",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "SERVICE_BASE_URL": "https://prevent.example-council.gov.uk",
        "ENCRYPTION_KEYRING": json.dumps(keyring),
        "BLIND_INDEX_KEY": _random_key(),
        "AUDIT_HMAC_KEY": _random_key(),
        "AUDIT_CHECKPOINT_SIGNING_KEY": base64.urlsafe_b64encode(_CHECKPOINT_SEED).decode(),
        "AUDIT_CHECKPOINT_PUBLIC_KEY": base64.urlsafe_b64encode(ed25519_public_key(_CHECKPOINT_SEED)).decode(),
        "DEV_KEYS_DIR": str(tmp_path / ".devkeys"),
        "TRANSFER_SIGNING_KEY": _random_key(),
        "CTP_PUBLIC_KEY": _random_key(),
        "CTP_SIGNING_PUBLIC_KEY": _random_key(),
        "TRANSFER_HTTPS_URL": "https://ctp.example.police.uk/prevent/packages",
        "TRANSFER_HTTPS_CLIENT_CERT": "/run/secrets/ctp-client.pem",
        "TRANSFER_HTTPS_CLIENT_KEY": "/run/secrets/ctp-client.key",
    }


@pytest.fixture
def canaries() -> dict[str, str]:
    return dict(CANARIES)


@pytest.fixture
def local_authority(db) -> LocalAuthority:
    return LocalAuthority.objects.create(name="Testshire County Council", ons_code="E10000901", nation=Nation.ENGLAND)


@pytest.fixture
def other_local_authority(db) -> LocalAuthority:
    return LocalAuthority.objects.create(name="Otherton Borough Council", ons_code="W06000902", nation=Nation.WALES)


def _make_user(authority: LocalAuthority, role: str, prefix: str = "") -> User:
    return user_create_with_membership(
        email=f"{prefix}{role}@test.example.org", password=TEST_PASSWORD, local_authority=authority, role=role
    )


@pytest.fixture
def make_user(db):
    """Create a user with a role: make_user(role, authority)."""
    return _make_user


def _role_fixture(role: str, other: bool = False):
    if other:

        @pytest.fixture
        def fixture(other_local_authority: LocalAuthority) -> User:
            return _make_user(other_local_authority, role, prefix="other-")

    else:

        @pytest.fixture
        def fixture(local_authority: LocalAuthority) -> User:
            return _make_user(local_authority, role)

    return fixture


referrer = _role_fixture(Role.REFERRER)
triage_officer = _role_fixture(Role.TRIAGE_OFFICER)
police_prevent_officer = _role_fixture(Role.POLICE_PREVENT_OFFICER)
channel_chair = _role_fixture(Role.CHANNEL_CHAIR)
panel_member = _role_fixture(Role.PANEL_MEMBER)
partner_contributor = _role_fixture(Role.PARTNER_CONTRIBUTOR)
intervention_provider = _role_fixture(Role.INTERVENTION_PROVIDER)
prevent_lead = _role_fixture(Role.PREVENT_LEAD)
auditor = _role_fixture(Role.AUDITOR)
other_triage_officer = _role_fixture(Role.TRIAGE_OFFICER, other=True)
other_prevent_lead = _role_fixture(Role.PREVENT_LEAD, other=True)
other_auditor = _role_fixture(Role.AUDITOR, other=True)


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser(email="root@test.example.org", password=TEST_PASSWORD)


# --- audit: transactional tests (transactional_db, live_server, browser tests) flush every table
# at teardown; the audit log's append-only triggers refuse that. Drop them around the flush, then
# recreate them and the chain head (tests/audit_testing.py).
@pytest.fixture(autouse=True, scope="session")
def _audit_flush_past_triggers():
    from django.test import TransactionTestCase

    from tests.audit_testing import flush_allowing_audit

    original = TransactionTestCase._fixture_teardown
    if getattr(original, "audit_wrapped", False):
        yield
        return
    TransactionTestCase._fixture_teardown = flush_allowing_audit(original)
    yield
    TransactionTestCase._fixture_teardown = original


# --- second factor: every page past sign-in needs a verified device (accounts.middleware). Test
# clients that sign in (force_login, login) get a real confirmed TOTP device and a session marked
# verified exactly as django_otp.login() marks it, so tests exercise the real enforcement.
# A test that wants an unverified session sets `client.verify_second_factor = False` first.
def _verified_login(original):
    def _login(self, user, backend=None):
        original(self, user, backend)
        if not getattr(self, "verify_second_factor", True):
            return
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="Test authenticator", confirmed=True
        )
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()

    _login.verified_login = True
    return _login


def _login_with_request(self, **credentials):
    """Client.login through authenticate(request=...), as django-axes requires of every sign-in."""
    from django.contrib.auth import authenticate
    from django.http import HttpRequest

    request = HttpRequest()
    request.META["REMOTE_ADDR"] = "127.0.0.1"
    user = authenticate(request, **credentials)
    if user:
        self._login(user)
        return True
    return False


@pytest.fixture(autouse=True, scope="session")
def _test_clients_verify_the_second_factor():
    from django.test.client import ClientMixin

    if getattr(ClientMixin._login, "verified_login", False):
        yield
        return
    original_login, original_private = ClientMixin.login, ClientMixin._login
    ClientMixin._login = _verified_login(original_private)
    ClientMixin.login = _login_with_request
    yield
    ClientMixin._login, ClientMixin.login = original_private, original_login


# --- static files: every test client builds the middleware chain afresh, and whitenoise's middleware lists
# and stats every static file the finders know (about 175) in its constructor: some 20 ms a test, minutes a
# run. No test changes the static files, so each configuration's list is made once per process and every new
# middleware gets the same entries (the same files, with the same headers) as its own scan would have made.
# The key is every setting that the scan reads; a test that overrides one of them gets a scan of its own.
_STATIC_SETTINGS = (
    "DEBUG",
    "FORCE_SCRIPT_NAME",
    "INSTALLED_APPS",
    "STATIC_URL",
    "STATIC_ROOT",
    "STATICFILES_DIRS",
    "STATICFILES_FINDERS",
    "STORAGES",
)


@pytest.fixture(autouse=True, scope="session")
def _static_files_listed_once():
    from django.conf import settings
    from whitenoise.middleware import WhiteNoiseMiddleware

    original = WhiteNoiseMiddleware.add_files_from_finders
    if getattr(original, "listed_once", False):
        yield
        return
    listed: dict[str, dict] = {}

    def add_files_from_finders(self):
        names = [*_STATIC_SETTINGS, *sorted(name for name in dir(settings) if name.startswith("WHITENOISE_"))]
        key = repr([(name, getattr(settings, name, None)) for name in names])
        if key not in listed:
            before = dict(self.files)
            original(self)
            listed[key] = {url: entry for url, entry in self.files.items() if before.get(url) is not entry}
        self.files.update(listed[key])

    add_files_from_finders.listed_once = True
    WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders
    yield
    WhiteNoiseMiddleware.add_files_from_finders = original


# --- tests that need PostgreSQL or a real Redis are deselected, never skipped, where those are absent
# (`make test` on SQLite); .ci/run runs them on PostgreSQL with Redis and a real worker.
_DESELECTED = pytest.StashKey[dict]()


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    postgresql = "postgresql" in settings.DATABASES["default"]["ENGINE"]
    redis = bool(os.environ.get("REDIS_URL"))
    keep, drop = [], []
    counts = {"postgresql_only": 0, "integration": 0, "on_postgresql": postgresql, "redis": redis}
    for item in items:
        integration = item.get_closest_marker("integration") is not None
        needs_postgresql = integration or item.get_closest_marker("postgresql") is not None
        if (needs_postgresql and not postgresql) or (integration and not redis):
            drop.append(item)
            counts["integration" if integration else "postgresql_only"] += 1
        else:
            keep.append(item)
    config.stash[_DESELECTED] = counts
    if hasattr(config, "workeroutput"):  # an xdist worker: the controller prints the summary (below)
        config.workeroutput["deselected"] = {"counts": counts, "nodeids": [item.nodeid for item in drop]}
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """With xdist (`make test`), the workers collect and deselect; the controller, which prints the summary and
    the closing line, collects nothing. Every worker deselects the same tests: take the first one's, so the log
    still says what was left out and the closing line still counts it."""
    config = node.config
    deselected = getattr(node, "workeroutput", {}).get("deselected")
    if deselected is None or _DESELECTED in config.stash:
        return
    config.stash[_DESELECTED] = deselected["counts"]
    if deselected["nodeids"]:
        config.hook.pytest_deselected(items=[SimpleNamespace(nodeid=nodeid) for nodeid in deselected["nodeids"]])


def _tests(count: int) -> str:
    return f"{count} test" + ("" if count == 1 else "s")


def deselection_summary(*, postgresql_only: int, integration: int, on_postgresql: bool, redis: bool) -> str:
    """One line for the log: how many tests this run left out, which need what, and where they do run."""
    total = postgresql_only + integration
    if not total:
        return ""
    needs = []
    if postgresql_only:
        needs.append(f"PostgreSQL ({postgresql_only})")
    if integration:
        needs.append(f"a real Redis and Celery worker ({integration})")
    here = [part for part, missing in (("on SQLite", not on_postgresql), ("without REDIS_URL", not redis)) if missing]
    verb = "needs" if total == 1 else "need"
    return (
        f"Deselected {_tests(total)} that {verb} {' or '.join(needs)}: this run is {' and '.join(here)}; "
        ".ci/run runs them on PostgreSQL with Redis and a real worker."
    )


# --- the access matrix (tests/referrals/test_access_matrix.py) reports how many combinations it checked. Counted
# here, in the root conftest, from the reports: under xdist only the controller prints, and it loads no other.
_MATRIX = {"passed": 0, "failed": 0}


def pytest_runtest_logreport(report):
    if report.when == "call" and "test_access_matrix.py::test_access_matrix[" in report.nodeid:
        _MATRIX["passed" if report.passed else "failed"] += 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    counts = config.stash.get(_DESELECTED, None)
    if counts and (line := deselection_summary(**counts)):
        terminalreporter.write_line(line)
    checked = _MATRIX["passed"] + _MATRIX["failed"]
    if checked:
        terminalreporter.write_line(
            f"Access matrix: {checked} combinations checked (URL x method x stage x role x situation), "
            f"{_MATRIX['passed']} as expected, {_MATRIX['failed']} not"
            + (
                f" (one in {every}: ACCESS_MATRIX_EVERY)"
                if (every := os.environ.get("ACCESS_MATRIX_EVERY", "1")) != "1"
                else ""
            )
        )


@pytest.fixture
def assert_audited():
    """assert_audited(action, target=None, outcome="done", **details): the newest matching event, checked."""
    from audit.models import AuditEvent

    def check(action: str, target=None, *, outcome: str = "done", **details):
        events = AuditEvent.objects.filter(action=action, outcome=outcome)
        if target is not None:
            events = events.filter(target_id=str(target.pk))
        assert events.exists(), f"no {outcome} {action} event" + (f" for {target.pk}" if target is not None else "")
        event = events.order_by("-sequence").first()
        for key, value in details.items():
            assert event.details.get(key) == value, (key, event.details)
        return event

    return check


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Lockout counters and API rate limits live in the cache: every test (and fuzz example) starts from zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
