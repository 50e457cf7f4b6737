"""Per-case grants and break-glass in Chromium, where a person clicks (issue 7, items 4 and 5)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "browser-test-demo-password"


@pytest.fixture
def demo_users(transactional_db, settings, tmp_path):
    settings.DEMO_PASSWORD = DEMO_PASSWORD
    settings.ENCRYPTION_FILE_ROOT = tmp_path / "encrypted"
    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123


@pytest.fixture
def case(demo_users):
    from accounts.models import User
    from referrals import services
    from tests.referrals.factories import adult_answers

    referrer = User.objects.get(email="referrer@example.org")
    referral, _ = services.referral_create_submitted(actor=referrer, answers=adult_answers(given_name="Grantcase"))
    return referral


@pytest.fixture
def channel_case(case):
    """The case handed to the Channel panel: only then may a panel member be given it (ACCESS.md)."""
    from accounts.models import User
    from referrals import services

    triage = User.objects.get(email="triage@example.org")
    referral = services.referral_start_screening(referral=case, actor=triage)
    referral = services.referral_start_information_gathering(referral=referral, actor=triage)
    return services.referral_refer_to_channel(referral=referral, actor=triage)


def _new_page(browser, live_server, email: str) -> Page:
    page = browser.new_context().new_page()
    sign_in(page, live_server, email, DEMO_PASSWORD)
    return page


def test_triage_grants_a_panel_member_access_until_it_expires(live_server, channel_case, browser, axe_violations):
    from referrals.models import ReferralUserObjectPermission

    case = channel_case
    case_url = f"{live_server.url}/referrals/{case.reference}/"
    triage = _new_page(browser, live_server, "triage@example.org")
    triage.goto(case_url)
    triage.get_by_role("link", name="Manage access to this case").click()
    expect(triage.get_by_role("heading", level=1)).to_have_text("Access to this case")
    assert axe_violations(triage) == []
    triage.get_by_label("Demo Channel panel member (Channel panel member)").check()
    triage.get_by_label("For how many days?").fill("3")
    triage.get_by_label("On the agenda of a Channel panel meeting").check()
    triage.get_by_role("button", name="Give access").click()
    expect(triage.get_by_test_id("grants")).to_contain_text("Demo Channel panel member")
    grant = ReferralUserObjectPermission.objects.get(content_object=case)
    assert datetime.timedelta(days=2, hours=23) < grant.expires_at - timezone.now() <= datetime.timedelta(days=3)

    panel = _new_page(browser, live_server, "panel@example.org")
    panel.goto(case_url)
    expect(panel.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")
    expect(panel.get_by_test_id("read-only")).to_be_visible()
    expect(panel.locator("main")).to_contain_text("Grantcase")
    expect(panel.locator("main form button")).to_have_count(0)  # reads only: no action of any kind

    ReferralUserObjectPermission.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - datetime.timedelta(1))
    response = panel.goto(case_url)
    assert response.status == 404
    expect(panel.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(panel.locator("main")).not_to_contain_text("Grantcase")


def test_break_glass_by_the_lead_of_another_authority(live_server, case, browser, axe_violations):
    from audit.models import AuditEvent

    case_url = f"{live_server.url}/referrals/{case.reference}/"
    lead = _new_page(browser, live_server, "other-lead@example.org")
    assert lead.goto(case_url).status == 404
    lead.goto(f"{live_server.url}/referrals/queue/")
    lead.get_by_role("link", name="Open a case of another local authority (break-glass)").click()
    lead.get_by_label("Case reference").fill(case.reference)
    lead.get_by_role("button", name="Continue").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text("Open a case of another local authority")
    expect(lead.locator("main")).not_to_contain_text("Grantcase")
    assert axe_violations(lead) == []
    lead.get_by_role("button", name="Open the case").click()
    expect(lead.locator(".govuk-error-summary")).to_contain_text("Select why you need to open this case")
    lead.get_by_label("Immediate risk of harm").check()
    lead.get_by_label("I understand that this access is recorded").check()
    lead.get_by_role("button", name="Open the case").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")
    expect(lead.locator("main")).to_contain_text("Grantcase")
    event = AuditEvent.objects.get(action="CASE_BREAK_GLASS")
    assert event.reason_code == "IMMEDIATE_RISK"
    assert [message.to for message in mail.outbox if "Break-glass" in message.subject] == [["auditor@example.org"]]


def test_the_prevent_lead_and_the_auditor_read_the_access_report(live_server, channel_case, browser, axe_violations):
    """ACCESS.md "Access reports": from the case page for the lead, from the audit pages for the auditor."""
    from accounts.models import User
    from referrals import services

    case = channel_case
    services.case_grant_create(
        referral=case,
        grantee=User.objects.get(email="panel@example.org"),
        actor=User.objects.get(email="triage@example.org"),
        days=2,
        reason_code="PANEL_MEETING",
    )
    triage = _new_page(browser, live_server, "triage@example.org")
    triage.goto(f"{live_server.url}/referrals/{case.reference}/")
    expect(triage.get_by_role("link", name="Who has read this case (access report)")).to_have_count(0)

    lead = _new_page(browser, live_server, "lead@example.org")
    lead.goto(f"{live_server.url}/referrals/{case.reference}/")
    lead.get_by_role("button", name="Case access").click()  # the case header's MOJ button menu
    lead.get_by_role("link", name="Who has read this case (access report)").click()
    expect(lead.get_by_role("heading", level=1)).to_have_text(f"Case {case.reference}")
    expect(lead.get_by_test_id("access-reads")).to_contain_text("triage@example.org")
    expect(lead.get_by_test_id("access-reads")).to_contain_text("Case content read")
    expect(lead.get_by_test_id("access-grants")).to_contain_text("Case access granted")
    assert axe_violations(lead) == []

    auditor = _new_page(browser, live_server, "auditor@example.org")
    auditor.goto(f"{live_server.url}/audit/?case_reference={case.reference}")
    auditor.get_by_role("link", name=f"Access report of case {case.reference}").click()
    expect(auditor.get_by_test_id("access-reads")).to_contain_text("lead@example.org")
    expect(auditor.get_by_test_id("access-grants")).to_contain_text("Case access granted")
    assert axe_violations(auditor) == []
