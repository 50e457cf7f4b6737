"""GOV.UK button order: the primary action first in a button group, the warning (Close case) last."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from referrals.permissions import transitions_available

from .factories import draft_referral, screening_referral

pytestmark = pytest.mark.django_db


def _buttons(body: str, testid: str) -> list[tuple[str, str]]:
    group = body[body.index(f'data-testid="{testid}">') :]
    group = group[: group.index("</div>")]
    return re.findall(r'class="(govuk-button[^"]*)"[^>]*>([^<]+)<', group)


def test_closing_comes_after_the_primary_action_whatever_the_declaration_order(referrer, triage_officer):
    referral = screening_referral(user=referrer, screener=triage_officer)
    labels = [transition.custom["label"] for transition in transitions_available(referral, triage_officer)]
    assert labels[-1] == "Close case"
    assert labels[0] != "Close case"


def test_case_page_shows_primary_first_and_close_case_last_as_warning(client, referrer, triage_officer):
    referral = screening_referral(user=referrer, screener=triage_officer)
    client.force_login(triage_officer)
    body = client.get(reverse("referrals:referral-detail", args=[referral.reference])).content.decode()
    buttons = _buttons(body, "case-actions")
    assert buttons[0] == ("govuk-button", "Start information gathering")
    assert buttons[-1] == ("govuk-button govuk-button--warning", "Close case")
    assert all("--warning" not in classes for classes, _ in buttons[:-1])


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


def test_close_page_groups_its_warning_button_with_a_way_back(client, referrer, triage_officer):
    referral = screening_referral(user=referrer, screener=triage_officer)
    client.force_login(triage_officer)
    body = client.get(reverse("referrals:referral-transition", args=[referral.reference, "close"])).content.decode()
    main = body[body.index("<main") :]
    group = main[main.index('class="govuk-button-group">') :]
    group = group[: group.index("</div>")]
    assert "govuk-button--warning" in group
    assert group.index("Close case") < group.index(">Cancel</a>")
