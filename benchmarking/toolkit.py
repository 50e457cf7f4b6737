"""Reference data of the assurance (issue 16 point 3): the Prevent duty toolkit for local authorities' 8 sections
with the benchmarks a council rates itself against, the Channel panel annual assurance statement's key areas of
control, and the one rating scale both use (DOMAIN.md "Assurance and benchmarking of the local authority").

Labels are data, here, in one place: the pages, the exports and the seeds read them. A benchmark or an area is
stored by its code; a code is never reused for another statement (ratings already given keep their meaning).
Each benchmark and area may name the computed figures (benchmarking/assurance_figures.py, FIGURE_SETS) that
are attached to it as evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Rating(models.TextChoices):
    """The scale: met in full, in part, or not; "Not yet assessed" until the lead rates it (docs/benchmarking.md)."""

    NOT_ASSESSED = "not_assessed", "Not yet assessed"
    FULLY_MET = "fully_met", "Fully met"
    PARTLY_MET = "partly_met", "Partly met"
    NOT_MET = "not_met", "Not met"


# The GOV.UK tag colour of each rating (the words carry the meaning; colour only repeats it).
RATING_TAGS = {
    Rating.NOT_ASSESSED: "govuk-tag--grey",
    Rating.FULLY_MET: "govuk-tag--green",
    Rating.PARTLY_MET: "govuk-tag--yellow",
    Rating.NOT_MET: "govuk-tag--red",
}
EVIDENCE_MAX_LENGTH = 5000


@dataclass(frozen=True)
class Benchmark:
    code: str
    statement: str
    figures: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    benchmarks: tuple[Benchmark, ...]


SECTIONS: tuple[Section, ...] = (
    Section(
        1,
        "Multi-agency partnership group",
        (
            Benchmark("1.1", "A multi-agency group oversees Prevent delivery, with agreed terms of reference."),
            Benchmark("1.2", "The statutory partners (police, health, education, probation, social care) attend."),
            Benchmark("1.3", "The group reports to the community safety partnership and the safeguarding boards."),
        ),
    ),
    Section(
        2,
        "Local risk assessment",
        (
            Benchmark("2.1", "A local risk assessment, drawing on the counter-terrorism local profile, is current."),
            Benchmark("2.2", "The assessment is shared with partners and reviewed at least once a year."),
            Benchmark("2.3", "Referral trends and outcomes inform the assessment.", ("screening",)),
        ),
    ),
    Section(
        3,
        "Partnership plan",
        (
            Benchmark("3.1", "A Prevent partnership plan sets out actions against each risk identified."),
            Benchmark("3.2", "Each action has an owner and a date, and progress is monitored by the group."),
        ),
    ),
    Section(
        4,
        "Referral pathway",
        (
            Benchmark("4.1", "A clear referral pathway is published and known to partners and the public."),
            Benchmark(
                "4.2",
                "Referrals are screened within the set number of working days of their submission.",
                ("screening",),
            ),
            Benchmark(
                "4.3",
                "Partners answer requests for information fully and by the date asked.",
                ("information_sharing",),
            ),
        ),
    ),
    Section(
        5,
        "Channel panel",
        (
            Benchmark("5.1", "The panel is chaired by the council and meets regularly.", ("chaired",)),
            Benchmark("5.2", "Decisions are made with the chair and the police present (quorum).", ("quorum",)),
            Benchmark("5.3", "Partners attend consistently and at the right level.", ("attendance",)),
            Benchmark(
                "5.4",
                "Vulnerability is assessed with the VAF, and consent and support plans are recorded.",
                ("vaf", "consent_and_plans"),
            ),
            Benchmark(
                "5.5",
                "Support starts promptly, and cases are reviewed, and reviewed after exit, on time.",
                ("providers", "post_exit_reviews"),
            ),
        ),
    ),
    Section(
        6,
        "Training programme",
        (
            Benchmark("6.1", "A training needs analysis covers the council's staff and its partners."),
            Benchmark("6.2", "Frontline staff complete Prevent awareness training, and completion is recorded."),
            Benchmark("6.3", "Panel members and chairs are trained for their role."),
        ),
    ),
    Section(
        7,
        "Reducing permissive environments",
        (
            Benchmark("7.1", "A venue hire policy lets the council refuse or condition bookings by extremists."),
            Benchmark("7.2", "Council IT filters and monitors access to extremist material."),
            Benchmark("7.3", "Council contracts and grants require providers to meet the Prevent duty."),
        ),
    ),
    Section(
        8,
        "Communications and engagement",
        (
            Benchmark("8.1", "A communications plan explains Prevent to residents and communities."),
            Benchmark("8.2", "The council engages communities and civil society groups in Prevent delivery."),
            Benchmark("8.3", "Misinformation about Prevent is answered promptly and consistently."),
        ),
    ),
)
BENCHMARKS: dict[str, Benchmark] = {b.code: b for section in SECTIONS for b in section.benchmarks}


def section_get(number: int) -> Section | None:
    return next((section for section in SECTIONS if section.number == number), None)


@dataclass(frozen=True)
class Area:
    """A key area of control of the Channel panel annual assurance statement."""

    code: str
    title: str
    question: str
    figures: tuple[str, ...] = ()


AREAS: tuple[Area, ...] = (
    Area("chaired", "Panel chaired by the council", "Is the panel chaired by the council (s.37)?", ("chaired",)),
    Area("quorum", "Quorum held", "Were the chair and the police present at every meeting?", ("quorum",)),
    Area("attendance", "Partner attendance", "Do partners attend the panel consistently?", ("attendance",)),
    Area(
        "information_sharing",
        "Information sharing",
        "Do partners share information fully and on time?",
        ("information_sharing",),
    ),
    Area("vaf", "Vulnerability Assessment Framework used", "Is every case assessed with the VAF?", ("vaf",)),
    Area(
        "consent_and_plans",
        "Consent and support plans recorded",
        "Are consent and a support plan recorded for every adopted case?",
        ("consent_and_plans",),
    ),
    Area(
        "providers",
        "Intervention Providers used",
        "Are Intervention Providers used where needed, and does support start when planned?",
        ("providers",),
    ),
    Area(
        "reviews",
        "Reviews and post-exit reviews on time",
        "Are supported cases reviewed, and reviewed 6 and 12 months after exit, on time?",
        ("reviews", "post_exit_reviews"),
    ),
    Area(
        "governance",
        "Governance",
        "Does the panel report to the safeguarding boards and the community safety partnership?",
    ),
)
AREA_CODES = {area.code: area for area in AREAS}
