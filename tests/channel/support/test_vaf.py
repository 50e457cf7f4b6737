"""The VAF: the catalogue loaded as reference data, assessments on the fixed scale, the trend."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import AuditEvent
from channel.exceptions import ChannelInvalid
from channel.models import VAFAssessment, VAFCatalogue, VAFFactor, VAFFactorRating
from channel.support.selectors import vaf_assessments_for, vaf_catalogue_current, vaf_trend
from channel.support.vaf import vaf_assessment_create
from referrals.exceptions import TransitionRefused
from referrals.models import Referral

pytestmark = pytest.mark.django_db


def _ratings(catalogue, rating=1, evidence="Seen at school."):
    return {str(factor.pk): (rating, evidence) for factor in catalogue.factors.all()}


def test_the_catalogue_holds_22_factors_in_three_dimensions():
    catalogue = vaf_catalogue_current()
    counts = {d: catalogue.factors.filter(dimension=d).count() for d in ("engagement", "intent", "capability")}
    assert counts == {"engagement": 13, "intent": 6, "capability": 3}
    assert catalogue.factors.filter(name="Grievance and injustice", dimension="engagement").exists()
    assert catalogue.factors.filter(name="Harmful objectives", dimension="intent").exists()


def test_an_assessment_rates_every_factor_and_encrypts_the_evidence(channel_case, channel_chair, assert_audited):
    catalogue = vaf_catalogue_current()
    assessment = vaf_assessment_create(
        channel_case=channel_case,
        actor=channel_chair,
        catalogue=catalogue,
        occasion="adoption",
        assessed_on=timezone.localdate(),
        ratings=_ratings(catalogue, 2, "Canary evidence 41c"),
    )
    assert assessment.ratings.count() == 22
    with connection.cursor() as cursor:
        cursor.execute("SELECT evidence FROM channel_vaffactorrating")
        raw = b"".join(bytes(row[0]) for row in cursor.fetchall())
    assert raw
    assert b"Canary evidence 41c" not in raw
    assert VAFFactorRating.objects.filter(assessment=assessment).first().evidence == "Canary evidence 41c"
    assert_audited("CHANNEL_VAF_ASSESSED", channel_case)


@pytest.mark.parametrize("bad", [3, -1, "strong", None])
def test_a_rating_outside_the_scale_is_refused_and_nothing_is_written(channel_case, channel_chair, bad):
    catalogue = vaf_catalogue_current()
    ratings = _ratings(catalogue)
    first = str(catalogue.factors.first().pk)
    ratings[first] = (bad, "")
    with pytest.raises(ChannelInvalid) as caught:
        vaf_assessment_create(
            channel_case=channel_case,
            actor=channel_chair,
            catalogue=catalogue,
            occasion="adoption",
            assessed_on=timezone.localdate(),
            ratings=ratings,
        )
    assert f"rating_{first}" in caught.value.errors
    assert not VAFAssessment.objects.exists()


def test_a_factor_of_another_catalogue_version_is_refused(channel_case, channel_chair):
    current = vaf_catalogue_current()
    newer = VAFCatalogue.objects.create(version=2, title="Current wording")
    other = VAFFactor.objects.create(catalogue=newer, dimension="intent", order=1, name="Harmful aims")
    ratings = _ratings(current) | {str(other.pk): (1, "")}
    with pytest.raises(ChannelInvalid) as caught:
        vaf_assessment_create(
            channel_case=channel_case,
            actor=channel_chair,
            catalogue=current,
            occasion="adoption",
            assessed_on=timezone.localdate(),
            ratings=ratings,
        )
    assert "not in this version" in caught.value.errors["__all__"][0]
    assert not VAFAssessment.objects.exists()


def test_a_panel_member_may_not_assess_and_the_refusal_is_audited(channel_case, panel_member):
    catalogue = vaf_catalogue_current()
    with pytest.raises(TransitionRefused):
        vaf_assessment_create(
            channel_case=channel_case,
            actor=panel_member,
            catalogue=catalogue,
            occasion="adoption",
            assessed_on=timezone.localdate(),
            ratings=_ratings(catalogue),
        )
    assert AuditEvent.objects.filter(action="CHANNEL_SUPPORT_REFUSED", outcome="refused").exists()


def _received(channel_case, days_ago):
    """The case's referral as received `days_ago` days ago (a case in the fixtures is received today)."""
    Referral.objects.filter(pk=channel_case.referral_id).update(
        submitted_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    channel_case.referral.refresh_from_db()


def test_an_assessment_dated_before_the_referral_was_received_is_refused(channel_case, channel_chair):
    catalogue = vaf_catalogue_current()
    _received(channel_case, 10)
    received = timezone.localdate() - datetime.timedelta(days=10)
    arguments = {"channel_case": channel_case, "actor": channel_chair, "catalogue": catalogue, "occasion": "review"}
    with pytest.raises(ChannelInvalid) as caught:
        vaf_assessment_create(
            **arguments, assessed_on=received - datetime.timedelta(days=1), ratings=_ratings(catalogue, 1)
        )
    assert caught.value.errors == {
        "assessed_on": [
            f"The date of the assessment must be on or after the day the referral was received, {received:%-d %B %Y}"
        ]
    }
    assert not VAFAssessment.objects.exists()
    vaf_assessment_create(**arguments, assessed_on=received, ratings=_ratings(catalogue, 1))
    assert VAFAssessment.objects.get().assessed_on == received


def test_the_trend_gives_each_dimensions_share_per_assessment(channel_case, channel_chair, triage_officer):
    catalogue = vaf_catalogue_current()
    today = timezone.localdate()
    _received(channel_case, 30)
    for actor, rating, days in ((channel_chair, 2, 30), (triage_officer, 1, 0)):
        vaf_assessment_create(
            channel_case=channel_case,
            actor=actor,
            catalogue=catalogue,
            occasion="review",
            assessed_on=today - datetime.timedelta(days=days),
            ratings=_ratings(catalogue, rating),
        )
    rows = vaf_trend(vaf_assessments_for(channel_case=channel_case))
    assert [[d["percent"] for d in row["dimensions"]] for row in rows] == [[100, 100, 100], [50, 50, 50]]
    assert [[d["score"] for d in row["dimensions"]] for row in rows][1] == [13, 6, 3]


def test_an_administrator_adds_a_new_version_and_new_assessments_use_it(client, superuser):
    client.force_login(superuser)
    rows = {
        "factors-TOTAL_FORMS": "22",
        "factors-INITIAL_FORMS": "0",
        "factors-MIN_NUM_FORMS": "0",
        "factors-MAX_NUM_FORMS": "1000",
    }
    names = [("engagement", 13), ("intent", 6), ("capability", 3)]
    index = 0
    for dimension, count in names:
        for order in range(1, count + 1):
            rows |= {
                f"factors-{index}-dimension": dimension,
                f"factors-{index}-order": str(order),
                f"factors-{index}-name": f"{dimension} factor {order} (current wording)",
            }
            index += 1
    response = client.post("/admin/channel/vafcatalogue/add/", {"version": "2", "title": "Current wording", **rows})
    assert response.status_code == 302
    current = vaf_catalogue_current()
    assert current.version == 2
    assert current.factors.count() == 22
    assert VAFCatalogue.objects.get(version=1).factors.count() == 22  # the older version is kept as it was
    assert AuditEvent.objects.filter(action="ADMIN_CHANGED").exists()


def test_an_agenda_item_of_another_case_is_refused(channel_case, channel_chair, referrer, triage_officer):
    from channel.models import AgendaItem, ChannelCase, Meeting, Panel
    from referrals import services as referral_services
    from tests.referrals.factories import information_gathering_referral

    other = referral_services.referral_refer_to_channel(
        referral=information_gathering_referral(user=referrer, screener=triage_officer), actor=triage_officer
    )
    panel = Panel.objects.create(local_authority=other.local_authority, name="Panel", chair=channel_chair)
    meeting = Meeting.objects.create(panel=panel, date=timezone.localdate())
    item = AgendaItem.objects.create(meeting=meeting, channel_case=ChannelCase.objects.get(referral=other), order=1)
    catalogue = vaf_catalogue_current()
    with pytest.raises(ChannelInvalid) as caught:
        vaf_assessment_create(
            channel_case=channel_case,
            actor=channel_chair,
            catalogue=catalogue,
            occasion="review",
            assessed_on=timezone.localdate(),
            ratings=_ratings(catalogue),
            agenda_item=item,
        )
    assert "another case" in caught.value.errors["__all__"][0]
    assert not VAFAssessment.objects.exists()
