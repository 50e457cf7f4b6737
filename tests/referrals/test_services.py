from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from referrals import services
from referrals.choices import ReferralStatus
from referrals.exceptions import (
    CaseChangedMeanwhile,
    NotEditable,
    ReferralInvalid,
    TransitionNotPossible,
    TransitionRefused,
)
from referrals.models import Referral

from .factories import adult_answers, child_answers, draft_referral, information_gathering_referral, submitted_referral

pytestmark = pytest.mark.django_db


def test_draft_is_created_with_its_own_data_key_and_audited(referrer, assert_audited):
    first = services.referral_draft_create(actor=referrer)
    second = services.referral_draft_create(actor=referrer)
    assert first.status == ReferralStatus.DRAFT
    assert first.reference is None
    assert first.data_key_id != second.data_key_id
    assert first.local_authority_id == referrer.local_authority_id
    assert_audited("REFERRAL_CREATED", first)


def test_draft_save_keeps_answers_encrypted_and_audits_a_count(referrer, assert_audited):
    referral = draft_referral(user=referrer)
    fresh = Referral.objects.get(pk=referral.pk)
    assert fresh.given_name == "Alex"
    assert fresh.indicators == ["online_activity"]
    event = assert_audited("REFERRAL_DRAFT_SAVED", referral)
    assert set(event.details) <= {"fields_changed", "step"}


def test_draft_save_rejects_malformed_answers_without_writing(referrer):
    referral = services.referral_draft_create(actor=referrer)
    with pytest.raises(ReferralInvalid) as caught:
        services.referral_draft_save(
            referral=referral, actor=referrer, answers={"postcode": "NOT A CODE", "gender": "x", "given_name": "Ok"}
        )
    assert set(caught.value.errors) == {"postcode", "gender"}
    assert Referral.objects.get(pk=referral.pk).given_name == ""


def test_draft_of_another_user_cannot_be_saved(referrer, triage_officer):
    referral = services.referral_draft_create(actor=referrer)
    with pytest.raises(NotEditable):
        services.referral_draft_save(referral=referral, actor=triage_officer, answers={"given_name": "X"})


@pytest.mark.parametrize(
    ("date_of_birth", "message"),
    [
        (timezone.localdate() + datetime.timedelta(days=1), "Date of birth must be in the past"),
        (datetime.date(1850, 1, 1), "Date of birth must be after"),
        ("2001-02-30", "Date of birth must be a real date"),
    ],
)
def test_impossible_date_of_birth_is_refused(referrer, date_of_birth, message):
    referral = services.referral_draft_create(actor=referrer)
    with pytest.raises(ReferralInvalid) as caught:
        services.referral_draft_save(referral=referral, actor=referrer, answers={"date_of_birth": date_of_birth})
    assert caught.value.errors["date_of_birth"][0].startswith(message)


def test_submit_allocates_sequential_references_and_emails_mash_reference_and_link_only(
    referrer, local_authority, canaries, assert_audited, django_capture_on_commit_callbacks
):
    local_authority.mash_email = "mash@testshire.example.org"
    local_authority.save()
    with django_capture_on_commit_callbacks(execute=True):
        first = submitted_referral(user=referrer, given_name=canaries["first_name"])
    with django_capture_on_commit_callbacks(execute=True):
        second = submitted_referral(user=referrer)
    year = timezone.localdate().year
    assert first.reference == f"PRV-{year}-000001"
    assert second.reference == f"PRV-{year}-000002"
    assert first.status == ReferralStatus.SUBMITTED
    assert first.submitted_at is not None
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert message.to == ["mash@testshire.example.org"]
    assert first.reference in message.body
    assert f"/referrals/{first.reference}/" in message.body
    assert canaries["first_name"] not in message.body + message.subject
    assert "Alex" not in mail.outbox[1].body
    assert_audited("REFERRAL_SUBMITTED", first, via="WEB", possible_repeats=0, mash_notified=True)


def test_a_failing_mail_server_never_undoes_a_submission(
    referrer, local_authority, django_capture_on_commit_callbacks, settings
):
    local_authority.mash_email = "mash@testshire.example.org"
    local_authority.save()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1
    with django_capture_on_commit_callbacks(execute=True):
        referral = submitted_referral(user=referrer)
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SUBMITTED


def test_incomplete_draft_cannot_be_submitted(referrer):
    referral = services.referral_draft_create(actor=referrer)
    services.referral_draft_save(referral=referral, actor=referrer, answers={"given_name": "Only"})
    with pytest.raises(ReferralInvalid) as caught:
        services.referral_submit(referral=referral, actor=referrer)
    assert "family_name" in caught.value.errors
    assert "date_of_birth" in caught.value.errors
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT
    assert referral.reference is None


def test_child_needs_a_parent_or_carer(referrer):
    referral = draft_referral(user=referrer, **{k: v for k, v in child_answers().items() if "parent" not in k})
    with pytest.raises(ReferralInvalid) as caught:
        services.referral_submit(referral=referral, actor=referrer)
    assert set(caught.value.errors) == {"parent_name", "parent_relationship", "parent_contact"}
    services.referral_draft_save(referral=referral, actor=referrer, answers=child_answers())
    assert services.referral_submit(referral=referral, actor=referrer).status == ReferralStatus.SUBMITTED


def test_double_submit_returns_the_same_single_referral(referrer):
    referral = draft_referral(user=referrer)
    first = services.referral_submit(referral=referral, actor=referrer)
    stale = Referral.objects.get(pk=referral.pk)
    again = services.referral_submit(referral=stale, actor=referrer)
    assert again.reference == first.reference
    assert Referral.objects.exclude(status=ReferralStatus.DRAFT).count() == 1
    assert AuditEvent.objects.filter(action="REFERRAL_SUBMITTED").count() == 1


def test_submit_by_someone_else_is_refused_and_audited(referrer, triage_officer, assert_audited):
    referral = draft_referral(user=referrer)
    with pytest.raises(TransitionRefused):
        services.referral_submit(referral=referral, actor=triage_officer)
    assert_audited("REFERRAL_STATUS_CHANGED", referral, outcome="refused", transition="submit")


def test_repeat_referral_is_flagged_by_blind_index(referrer, triage_officer):
    first = submitted_referral(user=referrer, given_name="Seán", family_name="O'Brien")
    second = submitted_referral(user=referrer, given_name="sean", family_name="OBRIEN")
    other = submitted_referral(
        user=referrer, given_name="Sean", family_name="OBrien", date_of_birth=None, approximate_age="40"
    )
    assert first.possible_repeat_count == 0
    assert second.possible_repeat_count == 1
    assert other.possible_repeat_count == 0
    assert second.person_index == first.person_index
    assert len(first.person_index) == 64


def test_lifecycle_through_to_channel(referrer, triage_officer, prevent_lead, assert_audited):
    from referrals.signals import referral_handed_to_channel

    received = []

    def receiver(sender, referral_id, actor, **kwargs):
        received.append(referral_id)

    referral_handed_to_channel.connect(receiver)
    try:
        referral = information_gathering_referral(user=referrer, screener=triage_officer)
        referral = services.referral_refer_to_channel(referral=referral, actor=prevent_lead)
    finally:
        referral_handed_to_channel.disconnect(receiver)
    assert referral.status == ReferralStatus.WITH_CHANNEL
    assert received == [referral.pk]
    assert_audited("REFERRAL_STATUS_CHANGED", referral, transition="refer_to_channel", target_status="with_channel")


def test_close_needs_reason_and_summary(referrer, triage_officer, assert_audited):
    referral = services.referral_start_screening(referral=submitted_referral(user=referrer), actor=triage_officer)
    with pytest.raises(ReferralInvalid) as caught:
        services.referral_close(referral=referral, actor=triage_officer, reason_code="NOPE", summary=" ")
    assert set(caught.value.errors) == {"reason_code", "summary"}
    closed = services.referral_close(
        referral=referral, actor=triage_officer, reason_code="NFA_SIGNPOSTED", summary="Signposted to Early Help."
    )
    assert closed.status == ReferralStatus.CLOSED
    event = assert_audited("REFERRAL_STATUS_CHANGED", closed, transition="close")
    assert event.reason_code == "NFA_SIGNPOSTED"
    assert "Early Help" not in str(event.details)


@pytest.mark.parametrize(
    "role_fixture", ["panel_member", "channel_chair", "auditor", "referrer", "superuser", "other_triage_officer"]
)
def test_screening_by_other_roles_is_refused_and_audited(request, referrer, role_fixture, assert_audited):
    referral = submitted_referral(user=referrer)
    actor = request.getfixturevalue(role_fixture)
    with pytest.raises(TransitionRefused):
        services.referral_start_screening(referral=referral, actor=actor)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert_audited("REFERRAL_STATUS_CHANGED", referral, outcome="refused", transition="start_screening")


def test_police_officer_cannot_refer_to_channel(referrer, triage_officer, police_prevent_officer):
    referral = information_gathering_referral(user=referrer, screener=triage_officer)
    with pytest.raises(TransitionRefused):
        services.referral_refer_to_channel(referral=referral, actor=police_prevent_officer)


def test_transition_from_the_wrong_state_is_not_possible(referrer, triage_officer):
    referral = submitted_referral(user=referrer)
    with pytest.raises(TransitionNotPossible):
        services.referral_refer_to_channel(referral=referral, actor=triage_officer)


def test_further_information_is_appended_by_the_referrer_only(referrer, triage_officer, assert_audited):
    referral = submitted_referral(user=referrer)
    info = services.referral_information_add(referral=referral, actor=referrer, text="He mentioned a trip.")
    assert referral.further_information.get().text == "He mentioned a trip."
    assert_audited("REFERRAL_INFORMATION_ADDED", referral, information_id=str(info.pk))
    with pytest.raises(NotEditable):
        services.referral_information_add(referral=referral, actor=triage_officer, text="x")
    with pytest.raises(ReferralInvalid):
        services.referral_information_add(referral=referral, actor=referrer, text="   ")


def test_canaries_never_reach_the_raw_database(referrer, canaries):
    referral = submitted_referral(
        user=referrer,
        given_name=canaries["first_name"],
        family_name=canaries["last_name"],
        date_of_birth=datetime.date.fromisoformat(canaries["date_of_birth"]),
        concern_description=canaries["narrative"],
        **{k: v for k, v in child_answers().items() if k.startswith("parent")},
    )
    services.referral_information_add(referral=referral, actor=referrer, text=canaries["narrative"])
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from introspection
            dump.extend(repr(row) for row in cursor.fetchall())
    text = "\n".join(dump)
    for value in canaries.values():
        assert value not in text
        assert value.encode().hex() not in text


def test_api_create_with_idempotency_key_returns_one_referral(referrer):
    first, created = services.referral_create_submitted(actor=referrer, answers=adult_answers(), idempotency_key="k1")
    again, created_again = services.referral_create_submitted(
        actor=referrer, answers=adult_answers(), idempotency_key="k1"
    )
    assert created
    assert not created_again
    assert again.pk == first.pk
    assert Referral.objects.count() == 1


# --- Two people (or two tabs) acting on one case at once -----------------------------------------

REFERRAL_TABLE = Referral._meta.db_table


def _referral_updates(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith(f'UPDATE "{REFERRAL_TABLE}"')]


def _set_columns(sql: str) -> set[str]:
    """The column names an UPDATE's SET clause writes."""
    assignments = sql.split(" SET ", 1)[1].split(" WHERE ", 1)[0]
    return set(re.findall(r'"(\w+)" = ', assignments))


def _stored(referral: Referral, column: str) -> bytes:
    """The column's stored bytes (ciphertext for an encrypted field), as the database holds them."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "{column}" FROM "{REFERRAL_TABLE}" WHERE id = %s', [referral.pk.hex])  # noqa: S608
        (value,) = cursor.fetchone()
    return bytes(value)


def test_transition_on_a_copy_loaded_before_another_users_is_refused_audited_and_saves_nothing(
    referrer, triage_officer, police_prevent_officer, assert_audited
):
    submitted = submitted_referral(user=referrer)
    # Both officers opened the case while it was submitted.
    first, second = Referral.objects.get(pk=submitted.pk), Referral.objects.get(pk=submitted.pk)
    services.referral_start_screening(referral=first, actor=triage_officer)
    started_at = Referral.objects.get(pk=submitted.pk).screening_started_at

    with pytest.raises(CaseChangedMeanwhile) as caught:
        services.referral_start_screening(referral=second, actor=police_prevent_officer)

    assert caught.value.current_status == ReferralStatus.SCREENING
    assert Referral.objects.get(pk=submitted.pk).screening_started_at == started_at
    event = assert_audited(
        "REFERRAL_TRANSITION_CONFLICTED",
        submitted,
        outcome="refused",
        transition="start_screening",
        source="submitted",
        current_status="screening",
    )
    assert event.actor_id == police_prevent_officer.pk
    # Only the first officer's change happened.
    assert AuditEvent.objects.filter(action="REFERRAL_STATUS_CHANGED", target_id=str(submitted.pk)).count() == 1


def test_close_on_a_stale_copy_keeps_the_other_users_change_and_writes_no_summary(
    referrer, triage_officer, prevent_lead, assert_audited
):
    screening = services.referral_start_screening(referral=submitted_referral(user=referrer), actor=triage_officer)
    gatherer, closer = Referral.objects.get(pk=screening.pk), Referral.objects.get(pk=screening.pk)
    services.referral_start_information_gathering(referral=gatherer, actor=triage_officer)

    with pytest.raises(CaseChangedMeanwhile):
        services.referral_close(referral=closer, actor=prevent_lead, reason_code="NFA_SIGNPOSTED", summary="Stale.")

    stored = Referral.objects.get(pk=screening.pk)
    assert stored.status == ReferralStatus.INFORMATION_GATHERING
    assert (stored.closing_reason, stored.closing_summary, stored.closed_at) == ("", "", None)
    assert_audited("REFERRAL_TRANSITION_CONFLICTED", screening, outcome="refused", transition="close")


@pytest.mark.parametrize(
    ("run", "columns"),
    [
        (
            lambda r, officer: services.referral_start_screening(referral=r, actor=officer),
            {"status", "updated_at", "screening_started_at"},
        ),
        (
            lambda r, officer: services.referral_close(
                referral=services.referral_start_screening(referral=r, actor=officer),
                actor=officer,
                reason_code="NFA_SIGNPOSTED",
                summary="Signposted to a youth service.",
            ),
            {"status", "updated_at", "closed_at", "closing_reason", "closing_summary"},
        ),
    ],
    ids=["start_screening", "close"],
)
def test_a_transition_updates_only_the_columns_it_changes(referrer, triage_officer, run, columns):
    referral = submitted_referral(user=referrer)
    given_name, concern = _stored(referral, "given_name"), _stored(referral, "concern_description")
    with CaptureQueriesContext(connection) as queries:
        run(referral, triage_officer)
    updates = _referral_updates(queries.captured_queries)
    assert _set_columns(updates[-1]) == columns
    # ConcurrentTransitionMixin's guard is still there with update_fields: the status it was loaded with.
    assert '"status" = ' in updates[-1].split(" WHERE ", 1)[1]
    # Not re-encrypted: a new nonce would change the stored bytes even for the same plaintext.
    assert _stored(referral, "given_name") == given_name
    assert _stored(referral, "concern_description") == concern


def test_submit_updates_only_what_submitting_sets_and_reencrypts_no_answer(referrer):
    draft = draft_referral(user=referrer)
    given_name = _stored(draft, "given_name")
    with CaptureQueriesContext(connection) as queries:
        services.referral_submit(referral=draft, actor=referrer)
    claim, submit = _referral_updates(queries.captured_queries)
    assert '"answers_version" = ' in claim.split(" WHERE ", 1)[1]
    assert _set_columns(submit) == {
        "status",
        "updated_at",
        "submitted_at",
        "reference",
        "possible_repeat_count",
        "person_index",
        "statistics_record",  # the encrypted link to the unlinked statistical record written at submission
    }
    assert _stored(draft, "given_name") == given_name


def test_draft_save_writes_only_the_changed_answers_and_counts_a_version(referrer):
    draft = draft_referral(user=referrer)
    version, family_name = draft.answers_version, _stored(draft, "family_name")
    with CaptureQueriesContext(connection) as queries:
        services.referral_draft_save(
            referral=draft, actor=referrer, answers={"given_name": "Sam", "family_name": "Example"}
        )
    (update,) = _referral_updates(queries.captured_queries)
    assert _set_columns(update) == {"given_name", "answers_version", "updated_at"}
    assert _stored(draft, "family_name") == family_name
    assert draft.answers_version == Referral.objects.get(pk=draft.pk).answers_version == version + 1
    services.referral_draft_save(referral=draft, actor=referrer, answers={"given_name": "Sam"})
    assert Referral.objects.get(pk=draft.pk).answers_version == version + 1  # nothing changed: same version


def test_the_counted_version_is_read_back_in_one_query_after_the_save(referrer):
    """Every question page of the journey saves: the new version comes back alone, not with a state reload."""
    draft = draft_referral(user=referrer)
    with CaptureQueriesContext(connection) as queries:
        services.referral_draft_save(referral=draft, actor=referrer, answers={"given_name": "Robin"})
    after_save = [query["sql"] for query in queries.captured_queries if query["sql"].startswith("SELECT")]
    reads = [sql for sql in after_save if '"referrals_referral"' in sql.split(" WHERE ", 1)[0]]
    assert len(reads) == 1
    assert '"answers_version"' in reads[0]
    assert '"status"' not in reads[0].split(" FROM ", 1)[0]


def test_submit_after_an_answer_saved_in_another_tab_is_refused_and_keeps_that_answer(referrer, assert_audited):
    draft = draft_referral(user=referrer)
    checked = Referral.objects.get(pk=draft.pk)  # the check-your-answers tab
    shown = checked.answers_version
    other_tab = Referral.objects.get(pk=draft.pk)
    services.referral_draft_save(referral=other_tab, actor=referrer, answers={"given_name": "Sam"})

    with pytest.raises(CaseChangedMeanwhile):
        services.referral_submit(referral=checked, actor=referrer, answers_version=shown)

    stored = Referral.objects.get(pk=draft.pk)
    assert stored.status == ReferralStatus.DRAFT
    assert stored.given_name == "Sam"
    assert stored.reference is None
    assert_audited(
        "REFERRAL_TRANSITION_CONFLICTED",
        draft,
        outcome="refused",
        transition="submit",
        source="draft",
        current_status="draft",
        answers_version_shown=shown,
        answers_version=shown + 1,
    )


def test_submit_of_an_older_version_than_the_one_loaded_is_refused(referrer, assert_audited):
    draft = draft_referral(user=referrer)
    shown = draft.answers_version
    services.referral_draft_save(referral=draft, actor=referrer, answers={"given_name": "Sam"})
    fresh = Referral.objects.get(pk=draft.pk)  # the page's POST loads the draft anew
    with pytest.raises(CaseChangedMeanwhile):
        services.referral_submit(referral=fresh, actor=referrer, answers_version=shown)
    assert Referral.objects.get(pk=draft.pk).status == ReferralStatus.DRAFT
    assert_audited("REFERRAL_TRANSITION_CONFLICTED", draft, outcome="refused", answers_version_shown=shown)
    assert services.referral_submit(referral=fresh, actor=referrer, answers_version=fresh.answers_version).reference


def test_draft_save_after_the_draft_was_sent_in_another_tab_is_refused_and_changes_nothing(referrer, assert_audited):
    draft = draft_referral(user=referrer)
    step_tab = Referral.objects.get(pk=draft.pk)
    services.referral_submit(referral=Referral.objects.get(pk=draft.pk), actor=referrer)
    with pytest.raises(CaseChangedMeanwhile):
        services.referral_draft_save(referral=step_tab, actor=referrer, answers={"given_name": "Sam"})
    assert Referral.objects.get(pk=draft.pk).given_name == "Alex"
    assert_audited("REFERRAL_TRANSITION_CONFLICTED", draft, outcome="refused", transition="save_draft")


def test_a_file_added_or_removed_after_the_check_page_was_shown_stops_the_send(referrer, settings, tmp_path):
    settings.ENCRYPTION_FILE_ROOT = tmp_path
    draft = draft_referral(user=referrer)
    shown = draft.answers_version
    pdf = b"%PDF-1.4 notes"
    attachment = services.referral_attachment_add(
        referral=Referral.objects.get(pk=draft.pk),
        actor=referrer,
        fileobj=io.BytesIO(pdf),
        filename="a.pdf",
        size=len(pdf),
    )
    with pytest.raises(CaseChangedMeanwhile):
        services.referral_submit(referral=Referral.objects.get(pk=draft.pk), actor=referrer, answers_version=shown)
    shown = Referral.objects.get(pk=draft.pk).answers_version
    services.referral_attachment_remove(referral=draft, actor=referrer, attachment_id=attachment.pk)
    with pytest.raises(CaseChangedMeanwhile):
        services.referral_submit(referral=Referral.objects.get(pk=draft.pk), actor=referrer, answers_version=shown)
    assert Referral.objects.get(pk=draft.pk).status == ReferralStatus.DRAFT


def test_a_file_added_after_the_draft_was_sent_in_another_tab_is_refused_and_not_kept(
    referrer, assert_audited, settings, tmp_path
):
    settings.ENCRYPTION_FILE_ROOT = tmp_path
    draft = draft_referral(user=referrer)
    upload_tab = Referral.objects.get(pk=draft.pk)
    services.referral_submit(referral=draft, actor=referrer)
    with pytest.raises(CaseChangedMeanwhile):
        services.referral_attachment_add(
            referral=upload_tab, actor=referrer, fileobj=io.BytesIO(b"%PDF-1.4 notes"), filename="a.pdf", size=14
        )
    assert not draft.attachments.exists()
    assert not any(path.is_file() for path in tmp_path.rglob("*"))  # the encrypted file is deleted too
    assert_audited("REFERRAL_TRANSITION_CONFLICTED", draft, outcome="refused", transition="save_draft")
