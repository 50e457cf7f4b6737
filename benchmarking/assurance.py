"""The Channel panel annual assurance statement (issue 16 point 3): each key area of control (toolkit.AREAS)
filled from the data with its figures (assurance_figures), rated by the Prevent lead with a comment
(encrypted), then submitted (signed off) by the lead: who and when are kept, with the figures as they stood.
A submitted statement is read only. Every change and every read of the comments is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit import services as audit
from audit.actions import AuditAction
from encryption.services import case_key_create

from .assurance_figures import FigureSet, figures_compute, figures_from_dicts
from .models import AssuranceAreaRating, AssuranceStatement
from .self_assessment import AssuranceInvalid, assurance_check
from .statistics import Period
from .toolkit import AREA_CODES, AREAS, EVIDENCE_MAX_LENGTH, RATING_TAGS, Area, Rating

TARGET = "benchmarking.assurancestatement"


@dataclass
class AreaRow:
    area: Area
    rating: str
    rating_label: str
    tag: str
    comment: str
    updated_by: str
    updated_at: Any
    figures: list[FigureSet] = field(default_factory=list)


@dataclass
class StatementView:
    year: int
    period: Period
    statement: AssuranceStatement | None
    figures: dict[str, FigureSet]
    areas: list[AreaRow]

    @property
    def submitted(self) -> bool:
        return self.statement is not None and self.statement.is_submitted

    @property
    def submitted_by(self) -> str:
        user = self.statement.submitted_by if self.submitted else None
        return (user.display_name or user.email) if user else ""

    @property
    def unrated(self) -> list[AreaRow]:
        return [row for row in self.areas if row.rating == Rating.NOT_ASSESSED]


def assurance_statement_find(*, authority: Any, year: int) -> AssuranceStatement | None:
    return (
        AssuranceStatement.objects.filter(local_authority=authority, year=year)
        .select_related("data_key", "submitted_by")
        .first()
    )


def _area_row(area: Area, rating: AssuranceAreaRating | None, figures: dict[str, FigureSet]) -> AreaRow:
    value = rating.rating if rating else Rating.NOT_ASSESSED
    return AreaRow(
        area=area,
        rating=value,
        rating_label=Rating(value).label,
        tag=RATING_TAGS[value],
        comment=rating.comment if rating else "",
        updated_by=(rating.updated_by.display_name or rating.updated_by.email) if rating else "",
        updated_at=rating.updated_at if rating else None,
        figures=[figures[key] for key in area.figures if key in figures],
    )


def statement_figures(*, authority: Any, year: int, statement: AssuranceStatement | None) -> dict[str, FigureSet]:
    """The figures as signed with once submitted; from live data before."""
    if statement is not None and statement.is_submitted:
        return figures_from_dicts(statement.figures)
    return figures_compute(authority=authority, period=Period.financial_year(year))


def assurance_statement_view(*, authority: Any, year: int) -> StatementView:
    """The council's statement for `year` with every area (unrated ones "Not yet assessed") and its figures, the
    comments decrypted. No check and no audit: callers are the reading selector and the audited export."""
    statement = assurance_statement_find(authority=authority, year=year)
    ratings: dict[str, AssuranceAreaRating] = {}
    if statement is not None:
        ratings = {r.area: r for r in statement.ratings.select_related("updated_by")}
        for rating in ratings.values():
            rating.statement = statement
    figures = statement_figures(authority=authority, year=year, statement=statement)
    areas = [_area_row(area, ratings.get(area.code), figures) for area in AREAS]
    return StatementView(year, Period.financial_year(year), statement, figures, areas)


def assurance_statement_get_for_reading(*, user: Any, year: int) -> StatementView:
    """The user's council's statement for `year` (assurance_statement_view) for its lead or auditor; the read of
    the comments is audited here."""
    assurance_check(user, write=False, target_type=TARGET, year=year)
    view = assurance_statement_view(authority=user.membership.local_authority, year=year)
    if view.statement is not None:
        with transaction.atomic():
            audit.record(
                actor=user,
                action=AuditAction.ASSURANCE_READ,
                target=view.statement,
                details={"document": "assurance_statement", "year": year},
            )
    return view


def _statement_for_update(authority: Any, year: int) -> AssuranceStatement:
    statement = AssuranceStatement.objects.select_for_update().filter(local_authority=authority, year=year).first()
    if statement is None:
        statement = AssuranceStatement.objects.create(local_authority=authority, year=year, data_key=case_key_create())
    if statement.is_submitted:
        raise AssuranceInvalid({"__all__": "This statement has been submitted: it can no longer be changed"})
    return statement


def assurance_area_rate(*, actor: Any, year: int, area: str, rating: str, comment: str) -> AssuranceAreaRating:
    """Rate one area of the year's statement, with a comment (needed unless the area is fully met), as one
    audited transaction; the statement is made on its first rating. Refused once the statement is submitted."""
    assurance_check(actor, write=True, target_type=TARGET, year=year)
    comment = (comment or "").strip()
    if area not in AREA_CODES:
        raise AssuranceInvalid({"area": "Select an area of the statement"})
    if rating not in Rating.values or rating == Rating.NOT_ASSESSED:
        raise AssuranceInvalid({"rating": "Select how far this area is met"})
    if len(comment) > EVIDENCE_MAX_LENGTH:
        raise AssuranceInvalid({"comment": f"The comment must be {EVIDENCE_MAX_LENGTH} characters or fewer"})
    if rating != Rating.FULLY_MET and not comment:
        raise AssuranceInvalid({"comment": "Enter a comment: say what is not met and what the council is doing"})
    with transaction.atomic():
        statement = _statement_for_update(actor.membership.local_authority, year)
        row = statement.ratings.filter(area=area).first() or AssuranceAreaRating(statement=statement, area=area)
        row.statement = statement
        row.rating, row.comment, row.updated_by = rating, comment, actor
        row.full_clean(exclude=["statement"])
        row.save()
        audit.record(
            actor=actor,
            action=AuditAction.ASSURANCE_AREA_RATED,
            target=statement,
            details={"year": year, "area": area, "rating": rating},
        )
    return row


def assurance_statement_submit(*, actor: Any, year: int) -> AssuranceStatement:
    """Sign off the year's statement: every area rated; the figures are kept as they stand now."""
    assurance_check(actor, write=True, target_type=TARGET, year=year)
    authority = actor.membership.local_authority
    with transaction.atomic():
        statement = _statement_for_update(authority, year)
        rated = statement.ratings.exclude(rating=Rating.NOT_ASSESSED).count()
        if rated < len(AREAS):
            raise AssuranceInvalid({"__all__": f"Rate every area before submitting ({len(AREAS) - rated} not rated)"})
        figures = figures_compute(authority=authority, period=Period.financial_year(year))
        statement.figures = [figure_set.as_dict() for figure_set in figures.values()]
        statement.submitted_at, statement.submitted_by = timezone.now(), actor
        statement.full_clean(exclude=["data_key", "local_authority", "submitted_by"])
        statement.save()
        audit.record(
            actor=actor,
            action=AuditAction.ASSURANCE_STATEMENT_SUBMITTED,
            target=statement,
            details={"year": year, "rated": rated},
        )
    return statement
