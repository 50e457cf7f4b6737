"""The Prevent duty toolkit self-assessment (issue 16 point 3): the Prevent lead rates each benchmark of each
section and writes its evidence; the auditor reads. One per council and financial year, made on the first
rating, with a data key of its own (encryption API) for the evidence. Every change is audited (codes and
counts: never the evidence); showing the evidence is audited as a read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from audit import services as audit
from audit.actions import AuditAction
from encryption.services import case_key_create

from .assurance_figures import FigureSet
from .models import BenchmarkRating, SelfAssessment
from .permissions import can_edit_assurance, can_read_assurance
from .toolkit import BENCHMARKS, EVIDENCE_MAX_LENGTH, RATING_TAGS, SECTIONS, Rating, Section


class AssuranceRefused(Exception):
    """Not the council's Prevent lead (to change) or its lead or auditor (to read); or a submitted statement."""


class AssuranceInvalid(Exception):
    """Input that cannot be saved: field name -> message (the form shows them as GOV.UK errors)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def assurance_check(actor: Any, *, write: bool, target_type: str, year: int) -> None:
    """Refuse (audited, committed at once) anyone but the lead (write) or the lead and auditor (read)."""
    allowed = can_edit_assurance(actor) if write else can_read_assurance(actor)
    if not allowed:
        audit.record_refusal(actor=actor, target_type=target_type, target_id=str(year))
        raise AssuranceRefused("Only the council's Prevent lead may change its assurance; its auditor may read it.")


@dataclass
class BenchmarkRow:
    code: str
    statement: str
    rating: str
    rating_label: str
    tag: str
    evidence: str
    updated_by: str
    updated_at: Any
    figures: list[FigureSet] = field(default_factory=list)


@dataclass
class SectionRows:
    section: Section
    rows: list[BenchmarkRow]

    @property
    def rated(self) -> int:
        return sum(1 for row in self.rows if row.rating != Rating.NOT_ASSESSED)


def _row(code: str, rating: BenchmarkRating | None, figures: dict[str, FigureSet]) -> BenchmarkRow:
    value = rating.rating if rating else Rating.NOT_ASSESSED
    return BenchmarkRow(
        code=code,
        statement=BENCHMARKS[code].statement,
        rating=value,
        rating_label=Rating(value).label,
        tag=RATING_TAGS[value],
        evidence=rating.evidence if rating else "",
        updated_by=(rating.updated_by.display_name or rating.updated_by.email) if rating else "",
        updated_at=rating.updated_at if rating else None,
        figures=[figures[key] for key in BENCHMARKS[code].figures if key in figures],
    )


def self_assessment_find(*, authority: Any, year: int) -> SelfAssessment | None:
    return SelfAssessment.objects.filter(local_authority=authority, year=year).select_related("data_key").first()


def self_assessment_sections(
    *, authority: Any, year: int, figures: dict[str, FigureSet] | None = None
) -> tuple[SelfAssessment | None, list[SectionRows]]:
    """Every section and benchmark of the council's self-assessment for `year` (unrated ones "Not yet assessed"),
    the evidence decrypted. No check and no audit: callers are the reading selector and the audited export."""
    assessment = self_assessment_find(authority=authority, year=year)
    ratings: dict[str, BenchmarkRating] = {}
    if assessment is not None:
        ratings = {r.benchmark: r for r in assessment.ratings.select_related("updated_by")}
        for rating in ratings.values():
            rating.assessment = assessment  # the data key without a query per row
    sections = [
        SectionRows(section, [_row(b.code, ratings.get(b.code), figures or {}) for b in section.benchmarks])
        for section in SECTIONS
    ]
    return assessment, sections


def self_assessment_get_for_reading(
    *, user: Any, year: int, figures: dict[str, FigureSet] | None = None
) -> tuple[SelfAssessment | None, list[SectionRows]]:
    """The user's council's self-assessment for `year` (self_assessment_sections) for its lead or auditor; the
    read of the evidence is audited here, so no page can forget it."""
    assurance_check(user, write=False, target_type="benchmarking.selfassessment", year=year)
    assessment, sections = self_assessment_sections(
        authority=user.membership.local_authority, year=year, figures=figures
    )
    if assessment is not None:
        with transaction.atomic():
            audit.record(
                actor=user,
                action=AuditAction.ASSURANCE_READ,
                target=assessment,
                details={"document": "self_assessment", "year": year},
            )
    return assessment, sections


def _clean(section: Section, answers: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    errors, clean = {}, {}
    for benchmark in section.benchmarks:
        rating, evidence = answers.get(benchmark.code, (Rating.NOT_ASSESSED, ""))
        evidence = (evidence or "").strip()
        if rating not in Rating.values:
            errors[benchmark.code] = f"Select how far benchmark {benchmark.code} is met"
        elif len(evidence) > EVIDENCE_MAX_LENGTH:
            errors[benchmark.code] = (
                f"Evidence for benchmark {benchmark.code} must be {EVIDENCE_MAX_LENGTH} characters or fewer"
            )
        elif rating in (Rating.FULLY_MET, Rating.PARTLY_MET) and not evidence:
            errors[benchmark.code] = f"Enter the evidence that benchmark {benchmark.code} is met"
        clean[benchmark.code] = (rating, evidence)
    if errors:
        raise AssuranceInvalid(errors)
    return clean


def _assessment_for_update(authority: Any, year: int) -> SelfAssessment:
    assessment = SelfAssessment.objects.select_for_update().filter(local_authority=authority, year=year).first()
    if assessment is None:
        assessment = SelfAssessment.objects.create(local_authority=authority, year=year, data_key=case_key_create())
    return assessment


def self_assessment_section_rate(
    *, actor: Any, year: int, section: Section, answers: dict[str, tuple[str, str]]
) -> SelfAssessment:
    """Save the ratings and evidence of one section's benchmarks (answers: code -> (rating, evidence)) as one
    audited transaction; the self-assessment is made on its first save. A benchmark rated met, fully or in
    part, needs its evidence."""
    assurance_check(actor, write=True, target_type="benchmarking.selfassessment", year=year)
    clean = _clean(section, answers)
    authority = actor.membership.local_authority
    with transaction.atomic():
        assessment = _assessment_for_update(authority, year)
        existing = {r.benchmark: r for r in assessment.ratings.all()}
        changed = 0
        for code, (rating, evidence) in clean.items():
            row = existing.get(code)
            if row is None:
                if rating == Rating.NOT_ASSESSED and not evidence:
                    continue  # nothing said about it yet: no row
                row = BenchmarkRating(assessment=assessment, benchmark=code)
            else:
                row.assessment = assessment  # the data key without a query per row
                if (row.rating, row.evidence) == (rating, evidence):
                    continue
            row.rating, row.evidence, row.updated_by = rating, evidence, actor
            row.full_clean(exclude=["assessment"])
            row.save()
            changed += 1
        rated = assessment.ratings.exclude(rating=Rating.NOT_ASSESSED).count()
        audit.record(
            actor=actor,
            action=AuditAction.SELF_ASSESSMENT_RATED,
            target=assessment,
            details={"year": year, "section": section.number, "changed": changed, "rated": rated},
        )
    return assessment
