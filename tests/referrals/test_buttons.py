"""GOV.UK button order: the primary action first in a button group (the record pages: tests/mash)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from referrals.permissions import transitions_available

from .factories import draft_referral, screening_referral, submitted_referral

pytestmark = pytest.mark.django_db


def _buttons(body: str, testid: str) -> list[tuple[str, str]]:
    group = body[body.index(f'data-testid="{testid}">') :]
    group = group[: group.index("</div>")]
    return re.findall(r'class="(govuk-button[^"]*)"[^>]*>([^<]+)<', group)


def test_transitions_recorded_in_a_section_are_never_offered_bare(referrer, triage_officer):
    referral = screening_referral(user=referrer, screener=triage_officer)
    assert [t for t in referral.get_all_status_transitions() if t.source == referral.status]  # there are some
    assert transitions_available(referral, triage_officer) == []  # each is the screening outcome's doing


def test_case_page_shows_its_one_bare_action_as_the_primary_button(client, referrer, triage_officer):
    referral = submitted_referral(user=referrer)
    client.force_login(triage_officer)
    body = client.get(reverse("referrals:referral-detail", args=[referral.reference])).content.decode()
    assert _buttons(body, "case-actions") == [("govuk-button", "Start screening")]


def test_upload_page_has_continue_as_the_first_and_primary_button_of_its_group(client, referrer):
    referral = draft_referral(user=referrer)
    client.force_login(referrer)
    body = client.get(reverse("referrals:draft-step", args=[referral.pk, "attachments"])).content.decode()
    main = body[body.index("<main") :]
    group = main[main.index('class="govuk-button-group">') + len('class="govuk-button-group">') :]
    group = group[: group.index("</div>")]
    buttons = re.findall(r'class="(govuk-button[^"]*)"[^>]*>([^<]+)<', group)
    assert buttons[0] == ("govuk-button", "Continue")
    assert ("govuk-button govuk-button--secondary", "Upload file") not in buttons
    upload = re.search(r'<button[^>]*name="upload"[^>]*class="([^"]*)"', main)
    assert main.index('name="upload"') < main.index('class="govuk-button-group"')  # with the file question
    assert upload
    assert "govuk-button--secondary" in upload.group(1)
