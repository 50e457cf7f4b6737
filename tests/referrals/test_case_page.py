"""The case page (issue 13, point 6): the section registry, the summary card, the history in words, the actions."""

from __future__ import annotations

import datetime
import io
import pathlib
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from referrals import sections, services
from tests.visible_text import assert_no_codes, visible_text

from .factories import child_answers, draft_referral, grant_row, submitted_referral

pytestmark = pytest.mark.django_db

REFERRALS = pathlib.Path(__file__).resolve().parents[2] / "referrals"


def _section(reference: str, slug: str) -> str:
    return reverse("referrals:referral-section", args=[reference, slug])


@pytest.fixture
def fake_section():
    """Register the test app's section and summary row, as an app's AppConfig.ready() would, and remove them."""
    from tests.testapp.case_sections import FAKE_SECTION, FAKE_SUMMARY_ITEM

    sections.register(FAKE_SECTION)
    sections.register_summary_item(FAKE_SUMMARY_ITEM)
    yield FAKE_SECTION
    sections.unregister(FAKE_SECTION.slug)
    sections.unregister_summary_item(FAKE_SUMMARY_ITEM.key)


def test_a_section_registered_by_another_app_is_linked_and_served(client, fake_section, referrer, triage_officer):
    referral = submitted_referral(user=referrer)
    client.force_login(triage_officer)
    page = client.get(reverse("referrals:referral-detail", args=[referral.reference])).content.decode()
    navigation = re.search(r'<nav class="moj-sub-navigation.*?</nav>', page, re.S).group(0)
    # In its order among the sections referrals owns (the real apps' sections, such as mash's, sit between too).
    own_and_fake = {"Referral", "Screening notes", "Documents", "History"}
    links = [title for title in re.findall(r">([^<>]+)</a>", navigation) if title in own_and_fake]
    assert links == ["Referral", "Screening notes", "Documents", "History"]
    assert f'href="{_section(referral.reference, "screening-notes")}"' in navigation
    assert "Screening due" in page
    assert "Overdue" in page
    response = client.get(_section(referral.reference, "screening-notes"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"3 screening notes on case {referral.reference}." in body
    assert re.search(r'aria-current="page">Screening notes<', body)
    read = AuditEvent.objects.filter(action="CASE_CONTENT_READ", actor_id=triage_officer.pk).latest("sequence")
    assert read.details == {"section": "screening-notes"}
    # referrals knows nothing of the app that added the section
    assert not [path for path in REFERRALS.rglob("*.py") if "testapp" in path.read_text()]


def test_a_section_hidden_from_a_user_is_neither_linked_nor_served(client, fake_section, referrer, prevent_lead):
    referral = submitted_referral(user=referrer)
    client.force_login(prevent_lead)
    page = client.get(reverse("referrals:referral-detail", args=[referral.reference])).content.decode()
    assert "Screening notes" not in page
    assert client.get(_section(referral.reference, "screening-notes")).status_code == 403
    assert AuditEvent.objects.filter(actor_id=prevent_lead.pk, outcome="refused").exists()
    assert not AuditEvent.objects.filter(action="CASE_CONTENT_READ", details__section="screening-notes").exists()


def test_unknown_sections_and_a_second_url_for_the_referral_are_not_found(client, referrer, triage_officer):
    referral = submitted_referral(user=referrer)
    client.force_login(triage_officer)
    assert client.get(_section(referral.reference, "no-such-section")).status_code == 404
    assert client.get(_section(referral.reference, "referral")).status_code == 404


def test_a_section_may_not_take_a_case_url_or_another_sections_slug():
    with pytest.raises(ImproperlyConfigured):
        sections.register(sections.CaseSection("access", "Access", 1, "x.html"))
    with pytest.raises(ImproperlyConfigured):
        sections.register(sections.CaseSection("history", "Another history", 1, "x.html"))


def test_the_summary_card_shows_an_age_band_and_flags_never_the_date_of_birth(client, referrer, triage_officer):
    answers = child_answers(immediate_risk="yes", concern_type="unsure")
    earlier = submitted_referral(user=referrer, **answers)
    referral = submitted_referral(user=referrer, **answers)
    client.force_login(triage_officer)
    body = client.get(reverse("referrals:referral-detail", args=[referral.reference])).content.decode()
    card = visible_text(re.search(r'data-testid="case-summary".*?</dl>', body, re.S).group(0))
    assert "First name " + answers["given_name"] in card
    assert "Age Under 18" in card
    assert "Council area Testshire County Council" in card
    assert "Stage Submitted" in card
    for flag in ("Possible repeat referral", "Under 18", "Immediate risk"):
        assert flag in card
    assert answers["family_name"] not in card
    dob = answers["date_of_birth"]
    assert f"{dob:%-d %B %Y}" not in card
    assert dob.isoformat() not in card
    assert earlier.reference in body  # the repeat is listed on the Referral section


def test_an_adult_is_shown_by_an_age_band(client, referrer, triage_officer):
    referral = submitted_referral(user=referrer)  # 30 years old
    client.force_login(triage_officer)
    card = visible_text(client.get(reverse("referrals:referral-detail", args=[referral.reference])).content.decode())
    assert "Age 25 to 34" in card
    assert "Flags None" in card


def test_history_is_in_a_caseworkers_words(client, referrer, triage_officer, prevent_lead):
    triage_officer.display_name = "Sam Patel"
    triage_officer.save(update_fields=["display_name"])
    referrer.display_name = "Pat Teacher"
    referrer.save(update_fields=["display_name"])
    referral = draft_referral(user=referrer)
    for _ in range(3):  # a draft saved over and over is one entry
        referral = services.referral_draft_save(referral=referral, actor=referrer, answers={"contact": "07700 900983"})
    referral = services.referral_submit(referral=referral, actor=referrer)
    client.force_login(triage_officer)
    client.get(reverse("referrals:referral-detail", args=[referral.reference]))  # a read: not in the history
    services.referral_start_screening(referral=referral, actor=triage_officer)
    services.referral_start_information_gathering(referral=referral, actor=triage_officer)
    client.force_login(prevent_lead)
    client.post(reverse("referrals:referral-transition", args=[referral.reference, "start_screening"]))  # refused
    client.force_login(triage_officer)
    response = client.get(_section(referral.reference, "history"))
    assert response.status_code == 200
    html = response.content.decode()
    assert_no_codes(html)
    history = visible_text(re.search(r'data-testid="history".*', html, re.S).group(0))
    assert "Information gathering started by Sam Patel" in history
    assert "Screening started by Sam Patel" in history
    assert "Moved from Submitted to Screening." in history
    assert "Referral sent by Pat Teacher" in history
    assert "Sent through the web form." in history
    assert history.count("Referral drafted by Pat Teacher") == 1
    assert history.index("Information gathering started") < history.index("Screening started")  # newest first
    for absent in ("opened", "read", "refused", str(referral.pk)):
        assert absent not in history
    # No user's number either: outside the timestamps (which may well hold it, as in 12:22), none stands alone.
    words = re.sub(r"\d{1,2} [A-Z][a-z]+ \d{4} \d{2}:\d{2}", "", history)
    assert not re.search(rf"\b{triage_officer.pk}\b", words)


def test_a_grantee_has_no_history_section(client, with_channel, triage_officer, panel_member):
    referral = with_channel
    grant_row(referral, panel_member, granted_by=triage_officer, expires_in=datetime.timedelta(days=1))
    client.force_login(panel_member)
    page = client.get(reverse("referrals:referral-detail", args=[referral.reference])).content.decode()
    assert "History</a>" not in page
    assert "Documents</a>" in page
    assert client.get(_section(referral.reference, "history")).status_code == 403


def test_section_pages_keep_the_actions_in_govuk_order(client, referrer, triage_officer):
    referral = submitted_referral(user=referrer)
    client.force_login(triage_officer)
    for url in (
        reverse("referrals:referral-detail", args=[referral.reference]),
        _section(referral.reference, "documents"),
    ):
        body = client.get(url).content.decode()
        assert_no_codes(body)
        assert 'name="shown_status" value="submitted"' in body
        group = re.search(r'data-testid="case-actions">(.*?)</div>', body, re.S).group(1)
        labels = re.findall(r'class="govuk-button[^"]*"[^>]*>([^<]+)<', group)
        assert labels == ["Start screening"]


def test_every_url_of_the_case_itself_is_a_reserved_section_slug():
    from referrals import urls

    own = {
        str(pattern.pattern).split("/")[1]
        for pattern in urls.urlpatterns
        if str(pattern.pattern).startswith("<str:reference>/") and str(pattern.pattern).count("/") >= 2
    }
    own.discard("<slug:section>")
    assert own
    assert own <= sections.RESERVED_SLUGS


def test_the_documents_are_counted_once_for_the_summary_and_the_answers(client, referrer, triage_officer):
    """The flags ("2 documents") and the Documents row ("2 uploaded") share one COUNT (referral_attachment_count)."""
    draft = draft_referral(user=referrer)
    for number in (1, 2):
        content = b"%PDF-1.4 test document " + bytes([48 + number])
        services.referral_attachment_add(
            referral=draft, actor=referrer, fileobj=io.BytesIO(content), filename=f"d{number}.pdf", size=len(content)
        )
    referral = services.referral_submit(referral=draft, actor=referrer)
    client.force_login(triage_officer)
    with CaptureQueriesContext(connection) as queries:
        page = visible_text(
            client.get(reverse("referrals:referral-detail", args=[referral.reference])).content.decode()
        )
    assert "2 documents" in page
    assert "2 uploaded" in page
    counts = [q["sql"] for q in queries.captured_queries if 'FROM "referrals_referralattachment"' in q["sql"]]
    assert len(counts) == 1
