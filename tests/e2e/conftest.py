"""Browser tests: Debian's Chromium driven by Playwright against the live server."""

from __future__ import annotations

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls in tests are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium: Playwright cannot download its own browsers here."""
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(autouse=True)
def screening_reasons(request):
    """Every browser test starts with the screening reasons mash's data migration seeds: a transactional test
    before it (a live server's, a migration test's) empties every table when it ends, reference data included."""
    if "live_server" in request.fixturenames or "transactional_db" in request.fixturenames:
        from tests.channel.support.reference import channel_reference_seed
        from tests.mash.reasons import screening_reasons_seed

        request.getfixturevalue("transactional_db")
        screening_reasons_seed()
        channel_reference_seed()  # the VAF catalogue and intervention types (channel's data migration)


@pytest.fixture
def axe_violations():
    """Run axe-core on the page and return its violations as readable lines."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page) -> list[str]:
        results = axe.run(page)
        return [
            f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: {v['nodes'][0]['target']})"
            for v in results.response["violations"]
        ]

    return check


def current_totp(email: str) -> str:
    """The code an authenticator app with DEMO_TOTP_SECRET shows now, for the user's confirmed device.

    django-otp refuses a code of a time step it has already accepted (replay), so a second sign-in
    within the same 30 seconds uses the next step, which the device's tolerance of one step allows.
    """
    import time

    from django.conf import settings
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.services import totp_secret_to_hex

    device = TOTPDevice.objects.get(user__email=email, confirmed=True)
    totp = TOTP(bytes.fromhex(totp_secret_to_hex(settings.DEMO_TOTP_SECRET)), device.step, device.t0, device.digits)
    totp.time = time.time()
    if device.last_t >= totp.t():
        totp.time += device.step * (device.last_t - totp.t() + 1)
    return f"{totp.token():0{device.digits}d}"


def sign_in(page, live_server, email: str, password: str) -> None:
    """Sign in as a person does: email and password, then the security code from the authenticator app.

    `live_server` is the fixture or its base URL.
    """
    from playwright.sync_api import expect

    base = live_server if isinstance(live_server, str) else live_server.url
    page.goto(base + "/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    page.get_by_label("Security code").fill(current_totp(email))
    page.get_by_role("button", name="Continue").click()
    # Fully signed in: the header's account link (the user's name, or e-mail address if they gave no name).
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()
