"""The self-assessment and the assurance statement: who may change and read them, what is kept, what is audited,
and the evidence encrypted (a canary never in the database in clear, nor in the audit log)."""

from __future__ import annotations

import pytest
from django.db import connection

from audit.models import AuditEvent
from benchmarking.assurance import (
    assurance_area_rate,
    assurance_statement_get_for_reading,
    assurance_statement_submit,
)
from benchmarking.models import AssuranceAreaRating, BenchmarkRating, SelfAssessment
from benchmarking.self_assessment import (
    AssuranceInvalid,
    AssuranceRefused,
    self_assessment_get_for_reading,
    self_assessment_section_rate,
)
from benchmarking.toolkit import AREAS, BENCHMARKS, SECTIONS, Rating, section_get

pytestmark = pytest.mark.django_db
YEAR = 2025
CANARY = "CANARY-evidence-7f3a9c"


def _raw_contains(table: str, needle: str) -> bool:
    """Whether any column of any row of `table` holds `needle` as stored (bytes or text)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - a table name of this test
        rows = cursor.fetchall()
    encoded = needle.encode()
    for row in rows:
        for value in row:
            raw = bytes(value) if isinstance(value, (bytes, memoryview)) else str(value).encode()
            if encoded in raw:
                return True
    return False


def rate_section_4(lead, evidence=CANARY):
    answers = {
        "4.1": (Rating.FULLY_MET, evidence),
        "4.2": (Rating.PARTLY_MET, "Two late in May."),
        "4.3": ("not_assessed", ""),
    }
    return self_assessment_section_rate(actor=lead, year=YEAR, section=section_get(4), answers=answers)


def test_the_toolkit_has_its_eight_sections_each_with_benchmarks():
    assert [s.title for s in SECTIONS][:2] == ["Multi-agency partnership group", "Local risk assessment"]
    assert len(SECTIONS) == 8
    assert all(len(s.benchmarks) >= 2 for s in SECTIONS)
    assert BENCHMARKS["4.2"].figures == ("screening",)


def test_the_lead_rates_a_section_and_it_is_audited(prevent_lead, assert_audited):
    assessment = rate_section_4(prevent_lead)
    assert {r.benchmark: r.rating for r in BenchmarkRating.objects.all()} == {"4.1": "fully_met", "4.2": "partly_met"}
    event = assert_audited("SELF_ASSESSMENT_RATED", assessment, year=YEAR, section=4, changed=2, rated=2)
    assert event.local_authority_id == prevent_lead.local_authority_id
    assert event.actor_id == prevent_lead.pk


def test_saving_the_same_answers_again_changes_nothing(prevent_lead, assert_audited):
    assessment = rate_section_4(prevent_lead)
    rate_section_4(prevent_lead)
    assert_audited("SELF_ASSESSMENT_RATED", assessment, changed=0)
    assert SelfAssessment.objects.count() == 1


def test_the_evidence_is_encrypted_and_never_in_the_audit_log(prevent_lead, auditor):
    assessment = rate_section_4(prevent_lead)
    assert not _raw_contains(BenchmarkRating._meta.db_table, CANARY)
    assert not _raw_contains(SelfAssessment._meta.db_table, CANARY)
    _, sections = self_assessment_get_for_reading(user=auditor, year=YEAR)
    assert sections[3].rows[0].evidence == CANARY  # the auditor reads it through the API
    assert not _raw_contains(AuditEvent._meta.db_table, CANARY)
    read = AuditEvent.objects.filter(action="ASSURANCE_READ", actor_id=auditor.pk).get()
    assert read.details == {"document": "self_assessment", "year": YEAR}
    assert read.target_id == str(assessment.pk)


def test_the_evidence_uses_the_assessments_own_key(prevent_lead):
    assessment = rate_section_4(prevent_lead)
    rating = BenchmarkRating.objects.get(benchmark="4.1")
    assert rating.assessment.data_key_id == assessment.data_key_id
    from referrals.models import Referral

    assert not Referral.objects.filter(data_key_id=assessment.data_key_id).exists()


@pytest.mark.parametrize("role", ["auditor", "triage_officer", "channel_chair", "other_prevent_lead"])
def test_only_the_lead_changes_it_and_refusals_are_audited(request, role):
    user = request.getfixturevalue(role)
    if role == "other_prevent_lead":
        # Another council's lead changes their own council's, never this one's.
        rate_section_4(user)
        assert SelfAssessment.objects.get().local_authority_id == user.local_authority_id
        return
    with pytest.raises(AssuranceRefused):
        rate_section_4(user)
    assert AuditEvent.objects.filter(action="ACCESS_REFUSED", actor_id=user.pk, outcome="refused").exists()
    assert not SelfAssessment.objects.exists()


def test_a_met_benchmark_needs_evidence(prevent_lead):
    with pytest.raises(AssuranceInvalid) as error:
        rate_section_4(prevent_lead, evidence="  ")
    assert error.value.errors == {"4.1": "Enter the evidence that benchmark 4.1 is met"}
    assert not SelfAssessment.objects.exists()


def test_the_auditor_reads_but_other_roles_do_not(auditor, triage_officer, prevent_lead):
    rate_section_4(prevent_lead)
    assert self_assessment_get_for_reading(user=auditor, year=YEAR)[0] is not None
    with pytest.raises(AssuranceRefused):
        self_assessment_get_for_reading(user=triage_officer, year=YEAR)


def test_a_council_reads_only_its_own(prevent_lead, other_prevent_lead):
    rate_section_4(prevent_lead)
    assessment, sections = self_assessment_get_for_reading(user=other_prevent_lead, year=YEAR)
    assert assessment is None
    assert all(row.rating == Rating.NOT_ASSESSED and row.evidence == "" for s in sections for row in s.rows)


def rate_every_area(lead, *, comment="CANARY-comment-51d0"):
    for area in AREAS:
        assurance_area_rate(actor=lead, year=YEAR, area=area.code, rating=Rating.PARTLY_MET, comment=comment)


def test_the_statement_is_rated_submitted_and_then_read_only(prevent_lead, assert_audited):
    assurance_area_rate(actor=prevent_lead, year=YEAR, area="chaired", rating="fully_met", comment="")
    with pytest.raises(AssuranceInvalid, match="Rate every area"):
        assurance_statement_submit(actor=prevent_lead, year=YEAR)
    rate_every_area(prevent_lead)
    statement = assurance_statement_submit(actor=prevent_lead, year=YEAR)
    assert statement.submitted_by == prevent_lead
    assert statement.submitted_at is not None
    assert [f["key"] for f in statement.figures][:2] == ["screening", "chaired"]
    assert_audited("ASSURANCE_STATEMENT_SUBMITTED", statement, year=YEAR, rated=len(AREAS))
    assert_audited("ASSURANCE_AREA_RATED", statement, area=AREAS[-1].code, rating="partly_met")
    with pytest.raises(AssuranceInvalid, match="submitted"):
        assurance_area_rate(actor=prevent_lead, year=YEAR, area="chaired", rating="fully_met", comment="")
    with pytest.raises(AssuranceInvalid, match="submitted"):
        assurance_statement_submit(actor=prevent_lead, year=YEAR)


def test_the_statement_comment_is_encrypted(prevent_lead):
    rate_every_area(prevent_lead)
    assert not _raw_contains(AssuranceAreaRating._meta.db_table, "CANARY-comment-51d0")
    assert not _raw_contains(AuditEvent._meta.db_table, "CANARY-comment-51d0")
    view = assurance_statement_get_for_reading(user=prevent_lead, year=YEAR)
    assert view.areas[0].comment == "CANARY-comment-51d0"


def test_an_area_not_fully_met_needs_a_comment(prevent_lead):
    with pytest.raises(AssuranceInvalid) as error:
        assurance_area_rate(actor=prevent_lead, year=YEAR, area="quorum", rating="not_met", comment="")
    assert "comment" in error.value.errors
    with pytest.raises(AssuranceInvalid):
        assurance_area_rate(actor=prevent_lead, year=YEAR, area="nonsense", rating="fully_met", comment="")


def test_a_submitted_statement_keeps_its_figures(prevent_lead, assurance_year, local_authority):
    from channel.models import Attendance

    for area in AREAS:
        assurance_area_rate(actor=prevent_lead, year=2024, area=area.code, rating="fully_met", comment="")
    assurance_statement_submit(actor=prevent_lead, year=2024)
    Attendance.objects.all().delete()  # as if records went later
    view = assurance_statement_get_for_reading(user=prevent_lead, year=2024)
    assert view.submitted
    assert dict(view.figures["attendance"].rows)["Present"] == 4
