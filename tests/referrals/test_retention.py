"""Retention of unfinished referrals: drafts unsaved for DRAFT_RETENTION_DAYS are deleted and their keys shredded."""

from __future__ import annotations

import datetime
import io
import logging

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from encryption.models import DataKey
from encryption.storage import encrypted_file_path
from referrals import services
from referrals.models import Referral, ReferralAttachment
from referrals.tasks import referral_drafts_discard_abandoned

from .factories import draft_referral, submitted_referral

pytestmark = pytest.mark.django_db


def _age(referral: Referral, days: int) -> None:
    Referral.objects.filter(pk=referral.pk).update(updated_at=timezone.now() - datetime.timedelta(days=days))


def test_an_abandoned_draft_its_files_and_its_key_are_gone_and_it_is_recorded(
    referrer, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.ENCRYPTION_FILE_ROOT = tmp_path
    settings.DRAFT_RETENTION_DAYS = 30
    draft = draft_referral(user=referrer, given_name="Zephyrine-Canary")
    attachment = services.referral_attachment_add(
        referral=draft, actor=referrer, fileobj=io.BytesIO(b"%PDF-1.4 x"), filename="a.pdf", size=10
    )
    stored = encrypted_file_path(attachment.file_ref)
    assert stored.exists()
    recent = draft_referral(user=referrer)
    _age(draft, 31)
    _age(recent, 29)
    sent = submitted_referral(user=referrer)
    _age(sent, 400)

    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the deletion has committed
        assert referral_drafts_discard_abandoned.delay().get() == 1

    assert not Referral.objects.filter(pk=draft.pk).exists()
    assert not ReferralAttachment.objects.filter(pk=attachment.pk).exists()
    assert not stored.exists()
    key = DataKey.objects.get(pk=draft.data_key_id)
    assert key.shredded_at is not None
    assert key.wrapped_key is None
    assert set(Referral.objects.values_list("pk", flat=True)) == {recent.pk, sent.pk}
    event = AuditEvent.objects.get(action="REFERRAL_DRAFT_DISCARDED")
    assert (event.actor_id, event.target_id, event.details) == (None, str(draft.pk), {"age_days": 31, "attachments": 1})
    assert "Zephyrine" not in str(event.details)
    # Nothing left to do on the next night.
    assert referral_drafts_discard_abandoned.delay().get() == 0


def test_the_sweep_runs_every_night_from_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["referral-drafts-discard-abandoned"]
    assert entry["task"] == "referrals.referral_drafts_discard_abandoned"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {15})


def test_the_referrer_is_told_how_long_an_unsent_referral_is_kept(client, referrer, settings):
    settings.DRAFT_RETENTION_DAYS = 21
    draft_referral(user=referrer)
    client.force_login(referrer)
    message = "We delete a referral you have not sent 21 days after you last saved it."
    assert message in client.get(reverse("referrals:start")).content.decode()
    assert message in client.get(reverse("referrals:my-referrals")).content.decode()


def _pdf() -> io.BytesIO:
    return io.BytesIO(b"%PDF-1.4 x")


def test_uploading_a_file_keeps_a_draft_alive_past_its_last_answer_save(referrer, settings, tmp_path):
    settings.ENCRYPTION_FILE_ROOT = tmp_path
    settings.DRAFT_RETENTION_DAYS = 30
    draft = draft_referral(user=referrer)
    _age(draft, 31)  # the answers were last saved 31 days ago
    draft.refresh_from_db()
    services.referral_attachment_add(referral=draft, actor=referrer, fileobj=_pdf(), filename="a.pdf", size=10)

    assert referral_drafts_discard_abandoned.delay().get() == 0
    assert Referral.objects.filter(pk=draft.pk).exists()
    assert not AuditEvent.objects.filter(action="REFERRAL_DRAFT_DISCARDED").exists()


def test_removing_a_file_keeps_a_draft_alive_past_its_last_answer_save(referrer, settings, tmp_path):
    settings.ENCRYPTION_FILE_ROOT = tmp_path
    settings.DRAFT_RETENTION_DAYS = 30
    draft = draft_referral(user=referrer)
    attachment = services.referral_attachment_add(
        referral=draft, actor=referrer, fileobj=_pdf(), filename="a.pdf", size=10
    )
    _age(draft, 31)  # answers and the upload both 31 days ago
    draft.refresh_from_db()
    services.referral_attachment_remove(referral=draft, actor=referrer, attachment_id=attachment.pk)

    assert referral_drafts_discard_abandoned.delay().get() == 0
    assert Referral.objects.filter(pk=draft.pk).exists()


def test_a_sweep_that_stops_at_its_limit_says_how_many_are_left_without_personal_data(
    referrer, settings, caplog, canaries
):
    from referrals.services.retention import referral_drafts_discard_abandoned as sweep

    settings.DRAFT_RETENTION_DAYS = 30
    drafts = [draft_referral(user=referrer, given_name=canaries["first_name"]) for _ in range(3)]
    for draft in drafts:
        _age(draft, 31)

    with caplog.at_level(logging.INFO, logger="referrals.services.retention"):
        assert sweep(limit=2) == 2
    assert caplog.messages == ["Draft retention: deleted 2 drafts; 1 more is due and will be deleted on the next runs."]
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="referrals.services.retention"):
        assert sweep(limit=2) == 1
    assert caplog.messages == ["Draft retention: deleted 1 draft; none remain due."]
    assert canaries["first_name"] not in caplog.text
