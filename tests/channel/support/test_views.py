"""The Consent, Support and Reviews sections, the support pages and the provider's pages."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.formatters import event_sentence
from audit.models import AuditEvent
from channel.choices import ChannelStage
from channel.models import ChannelCase, ChannelConsent, InterventionSession, InterventionType, VAFAssessment
from channel.support.plan import intervention_create
from channel.support.selectors import vaf_catalogue_current

pytestmark = pytest.mark.django_db
S = ChannelStage


def _section(channel_case, slug):
    return reverse("referrals:referral-section", args=[channel_case.referral.reference, slug])


def _date(prefix, day):
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def test_the_sections_show_for_a_channel_case(client, channel_chair, channel_case):
    client.force_login(channel_chair)
    for slug, words in (("consent", "No answer"), ("support", "without consent"), ("reviews", "No VAF")):
        page = client.get(_section(channel_case, slug))
        assert page.status_code == 200
        assert words in page.content.decode()


def test_the_chair_records_consent_on_its_page(client, channel_chair, adopted):
    client.force_login(channel_chair)
    url = reverse("channel:consent-record", args=[adopted.referral.reference])
    assert client.get(url).status_code == 200
    data = {
        "outcome": "given",
        "given_by": "person",
        "how_obtained": "in_person",
        **_date("decided_on", timezone.localdate()),
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert ChannelCase.objects.get(pk=adopted.pk).state == S.SUPPORTED
    page = client.get(_section(adopted, "consent")).content.decode()
    assert "Consent given" in page
    assert "In person" in page


def test_a_wrong_consent_giver_comes_back_with_an_error_summary(client, channel_chair, adopted):
    client.force_login(channel_chair)
    url = reverse("channel:consent-record", args=[adopted.referral.reference])
    data = {
        "outcome": "given",
        "given_by": "parent_or_carer",
        "how_obtained": "phone",
        **_date("decided_on", timezone.localdate()),
    }
    page = client.post(url, data)
    assert page.status_code == 200
    assert "There is a problem" in page.content.decode()
    assert "must be their own" in page.content.decode()
    assert not ChannelConsent.objects.exists()


def test_the_vaf_page_rates_22_factors_and_the_trend_is_drawn(client, triage_officer, channel_case):
    client.force_login(triage_officer)
    url = reverse("channel:vaf-assessment-create", args=[channel_case.referral.reference])
    page = client.get(url)
    assert page.content.decode().count('data-testid="vaf-factor"') == 22
    catalogue = vaf_catalogue_current()
    data = {"occasion": "adoption", **_date("assessed_on", timezone.localdate())}
    data |= {f"rating_{factor.pk}": "1" for factor in catalogue.factors.all()}
    assert client.post(url, data).status_code == 302
    reviews = client.get(_section(channel_case, "reviews")).content.decode()
    assert '<svg class="app-chart" role="img" aria-labelledby="vaf-chart-title vaf-chart-desc"' in reviews
    assert '<title id="vaf-chart-title">' in reviews
    assert '<desc id="vaf-chart-desc">' in reviews
    assert "13 of 26 (50%)" in reviews  # the data table beside the chart


def test_a_vaf_rating_off_the_scale_comes_back_with_an_error(client, triage_officer, channel_case):
    client.force_login(triage_officer)
    url = reverse("channel:vaf-assessment-create", args=[channel_case.referral.reference])
    catalogue = vaf_catalogue_current()
    data = {"occasion": "adoption", **_date("assessed_on", timezone.localdate())}
    data |= {f"rating_{factor.pk}": "1" for factor in catalogue.factors.all()}
    data[f"rating_{catalogue.factors.first().pk}"] = "7"
    page = client.post(url, data)
    assert page.status_code == 200
    assert "There is a problem" in page.content.decode()
    assert not VAFAssessment.objects.exists()


def test_a_panel_member_with_a_grant_reads_but_may_not_assess(client, panel_member, channel_case, triage_officer):
    from tests.referrals.factories import grant_row

    grant_row(channel_case.referral, panel_member, granted_by=triage_officer, expires_in=datetime.timedelta(days=1))
    client.force_login(panel_member)
    assert client.get(_section(channel_case, "reviews")).status_code == 200
    response = client.get(reverse("channel:vaf-assessment-create", args=[channel_case.referral.reference]))
    assert response.status_code == 403


def test_adding_support_before_consent_is_sent_back_with_a_message(client, channel_chair, adopted):
    client.force_login(channel_chair)
    response = client.get(reverse("channel:intervention-create", args=[adopted.referral.reference]), follow=True)
    assert "Support cannot start without consent" in response.content.decode()


def test_the_chair_adds_an_intervention_and_a_late_one_is_flagged(client, channel_chair, supported, provider):
    client.force_login(channel_chair)
    url = reverse("channel:intervention-create", args=[supported.referral.reference])
    mentoring = InterventionType.objects.get(code="MENTORING")
    late = timezone.localdate() - datetime.timedelta(days=2)
    data = {"intervention_type": mentoring.pk, "provider": provider.pk, **_date("planned_start", late)}
    assert client.post(url, data).status_code == 302
    assert 'data-testid="overdue"' in client.get(_section(supported, "support")).content.decode()
    assert 'data-testid="overdue-interventions"' in client.get(reverse("channel:case-list")).content.decode()


@pytest.fixture
def mentoring_plan(supported, channel_chair, provider):
    return intervention_create(
        channel_case=supported,
        actor=channel_chair,
        intervention_type=InterventionType.objects.get(code="MENTORING"),
        planned_start=timezone.localdate() - datetime.timedelta(days=1),
        provider=provider,
    )


def test_the_provider_finds_their_intervention_from_home_and_logs_a_session(client, provider, mentoring_plan):
    client.force_login(provider)
    home = client.get(reverse("home")).content.decode()
    assert reverse("channel:provider-home") in home
    listing = client.get(reverse("channel:provider-home")).content.decode()
    assert 'data-testid="overdue-warning"' in listing
    url = reverse("channel:provider-intervention", args=[mentoring_plan.pk])
    page = client.get(url).content.decode()
    assert mentoring_plan.channel_case.referral.given_name in page
    assert mentoring_plan.channel_case.referral.reference not in page  # the first name, never the case
    assert mentoring_plan.channel_case.referral.family_name not in page
    data = {"duration_minutes": "45", "note": "Talked about college.", **_date("held_on", timezone.localdate())}
    assert client.post(url, data).status_code == 302
    assert InterventionSession.objects.get().duration_minutes == 45


def test_another_provider_gets_a_404_and_it_is_audited(client, other_provider, mentoring_plan):
    client.force_login(other_provider)
    url = reverse("channel:provider-intervention", args=[mentoring_plan.pk])
    assert client.get(url).status_code == 404
    data = {"duration_minutes": "45", **_date("held_on", timezone.localdate())}
    assert client.post(url, data).status_code == 404
    assert not InterventionSession.objects.exists()
    assert AuditEvent.objects.filter(actor_id=other_provider.pk, outcome="refused").exists()


def test_the_provider_never_reaches_the_case(client, provider, mentoring_plan):
    client.force_login(provider)
    reference = mentoring_plan.channel_case.referral.reference
    assert client.get(reverse("referrals:referral-detail", args=[reference])).status_code == 404
    assert client.get(_section(mentoring_plan.channel_case, "support")).status_code == 404


def test_the_channel_section_sends_consent_to_the_consent_section(client, triage_officer, adopted):
    client.force_login(triage_officer)
    page = client.get(_section(adopted, "channel")).content.decode()
    assert 'data-testid="consent-pointer"' in page
    assert "Record consent given" not in page
    assert (
        reverse("channel:consent-record", args=[adopted.referral.reference])
        in client.get(_section(adopted, "consent")).content.decode()
    )


def test_a_review_at_a_meeting_links_its_vaf_assessment(
    client, triage_officer, channel_chair, channel_case, handed_over
):
    from channel.models import AgendaItem, Meeting, Panel

    panel = Panel.objects.create(local_authority=handed_over.local_authority, name="Panel", chair=channel_chair)
    meeting = Meeting.objects.create(panel=panel, date=timezone.localdate())
    item = AgendaItem.objects.create(meeting=meeting, channel_case=channel_case, order=1)
    client.force_login(triage_officer)
    url = reverse("channel:vaf-assessment-create", args=[channel_case.referral.reference]) + f"?agenda_item={item.pk}"
    assert 'data-testid="vaf-review-meeting"' in client.get(url).content.decode()
    catalogue = vaf_catalogue_current()
    data = {"occasion": "review", **_date("assessed_on", timezone.localdate())}
    data |= {f"rating_{factor.pk}": "0" for factor in catalogue.factors.all()}
    assert client.post(url, data).status_code == 302
    assert VAFAssessment.objects.get().agenda_item == item


def test_the_chairs_home_page_shows_what_is_due(client, channel_chair, triage_officer, supported, provider, mentoring):  # noqa: PLR0917 - fixtures
    late = timezone.localdate() - datetime.timedelta(days=3)
    intervention_create(
        channel_case=supported, actor=channel_chair, intervention_type=mentoring, planned_start=late, provider=provider
    )
    client.force_login(channel_chair)
    page = client.get(reverse("home")).content.decode()
    assert "What is due" in page
    table = page.split('data-testid="channel-due"')[1].split("</table>")[0]
    assert supported.referral.reference in table
    assert "Ideological or theological mentoring by an Intervention Provider: not started" in table
    assert f"{late:%-d %B %Y}" in table
    assert "Late" in table
    client.force_login(triage_officer)
    assert "What is due" not in client.get(reverse("home")).content.decode()


def test_the_chair_records_the_end_of_an_intervention_and_the_plan_says_so(client, channel_chair, mentoring_plan):
    client.force_login(channel_chair)
    reference = mentoring_plan.channel_case.referral.reference
    support = client.get(_section(mentoring_plan.channel_case, "support")).content.decode()
    url = reverse("channel:intervention-end", args=[reference, mentoring_plan.pk])
    assert f'href="{url}"' in support
    bad = client.post(url, {**_date("ended_on", timezone.localdate())})
    assert bad.status_code == 200
    assert "There is a problem" in bad.content.decode()
    assert "Select why the intervention ended" in bad.content.decode()
    response = client.post(url, {**_date("ended_on", timezone.localdate()), "end_reason": "not_needed"})
    assert response.status_code == 302
    support = client.get(_section(mentoring_plan.channel_case, "support")).content.decode()
    assert "Ended without starting" in support
    assert f"{timezone.localdate():%-d %B %Y}: No longer needed" in support
    assert f'href="{url}"' not in support
    assert 'data-testid="overdue"' not in support
    event = AuditEvent.objects.get(action="CHANNEL_INTERVENTION_ENDED")
    assert event_sentence(event, {}).endswith(f"of case {reference} ended (No longer needed)")


@pytest.mark.parametrize("who", ["channel_chair", "provider"])
def test_a_session_dated_before_consent_is_refused_on_the_page_and_keeps_what_was_typed(
    request, client, mentoring_plan, who
):
    """The QA walk: a session dated ten months before the case's consent was taken, and started the mentoring."""
    consented = mentoring_plan.channel_case.consent_given_on
    client.force_login(request.getfixturevalue(who))
    reference = mentoring_plan.channel_case.referral.reference
    url = {
        "channel_chair": reverse("channel:intervention-session-create", args=[reference, mentoring_plan.pk]),
        "provider": reverse("channel:provider-intervention", args=[mentoring_plan.pk]),
    }[who]
    before = consented - datetime.timedelta(days=300)
    response = client.post(url, {**_date("held_on", before), "duration_minutes": "60"})
    assert response.status_code == 200
    body = response.content.decode()
    message = f"The date of the session must be on or after the day consent was given, {consented:%-d %B %Y}"
    assert "govuk-error-summary" in body
    assert f'<a href="#id_held_on_day">{message}</a>' in body
    assert f'name="held_on_year" type="text" inputmode="numeric" value="{before.year}"' in body
    assert not InterventionSession.objects.exists()
    mentoring_plan.refresh_from_db()
    assert mentoring_plan.actual_start is None
