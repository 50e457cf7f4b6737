"""Demo assurance of the first demo council (development only), written through the services as its Prevent lead:
this year's toolkit self-assessment partly filled, last year's Channel assurance statement submitted, and this
year's a draft with a few areas rated. The words are made up and name no one."""

from __future__ import annotations

from accounts.models import Role, User
from accounts.services.users import DEMO_AUTHORITIES, demo_email

from .assurance import assurance_area_rate, assurance_statement_find, assurance_statement_submit
from .forms import current_financial_year
from .models import SelfAssessment
from .self_assessment import AssuranceInvalid, self_assessment_section_rate
from .toolkit import AREAS, Rating, section_get

SECTION_ANSWERS = {
    1: {
        "1.1": (Rating.FULLY_MET, "Prevent partnership board meets quarterly; terms of reference agreed in May."),
        "1.2": (Rating.PARTLY_MET, "Probation attended two of four meetings; the chair has written to its head."),
    },
    4: {
        "4.1": (Rating.FULLY_MET, "Referral form and guidance on the council's website and the partners' intranet."),
        "4.2": (Rating.PARTLY_MET, "Most referrals screened in time; see the figures. Two late over Christmas."),
        "4.3": (Rating.NOT_MET, ""),
    },
    5: {
        "5.1": (Rating.FULLY_MET, "Chaired by the Head of Community Safety; monthly meetings."),
        "5.2": (Rating.FULLY_MET, "Quorum recorded at every meeting: see the figures."),
    },
}
AREA_COMMENTS = {
    Rating.FULLY_MET: "",
    Rating.PARTLY_MET: "Attendance from health dipped in the autumn; the health lead has named a deputy.",
}


def _lead() -> User | None:
    return User.objects.filter(email=demo_email(Role.PREVENT_LEAD, DEMO_AUTHORITIES[0].email_prefix)).first()


def _rate_areas(lead: User, year: int, areas: tuple) -> None:
    for index, area in enumerate(areas):
        rating = Rating.PARTLY_MET if index % 4 == 2 else Rating.FULLY_MET  # noqa: PLR2004 - a mix of ratings
        assurance_area_rate(actor=lead, year=year, area=area.code, rating=rating, comment=AREA_COMMENTS[rating])


def benchmarking_demo_seed() -> list[str]:
    """Seed what is missing; returns a line per thing made (none the second time)."""
    lead = _lead()
    if lead is None:
        raise AssuranceInvalid({"lead": "Run seed_demo first: the demo Prevent lead does not exist"})
    authority, year, made = lead.membership.local_authority, current_financial_year(), []
    if not SelfAssessment.objects.filter(local_authority=authority, year=year).exists():
        for number, answers in SECTION_ANSWERS.items():
            self_assessment_section_rate(actor=lead, year=year, section=section_get(number), answers=answers)
        made.append(f"Toolkit self-assessment {year} to {year + 1}, sections 1, 4 and 5 rated")
    if assurance_statement_find(authority=authority, year=year - 1) is None:
        _rate_areas(lead, year - 1, AREAS)
        assurance_statement_submit(actor=lead, year=year - 1)
        made.append(f"Channel assurance statement {year - 1} to {year}, submitted")
    if assurance_statement_find(authority=authority, year=year) is None:
        _rate_areas(lead, year, AREAS[:4])
        made.append(f"Channel assurance statement {year} to {year + 1}, a draft with 4 areas rated")
    return made
