"""The assurance pages: the toolkit self-assessment and the Channel assurance statement of a year (the Prevent
lead changes them, the auditor reads them), their question pages and their download. Other roles: 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from .assurance import (
    assurance_area_rate,
    assurance_statement_find,
    assurance_statement_get_for_reading,
    assurance_statement_submit,
    statement_figures,
)
from .assurance_exports import CONTENT_TYPES, assurance_export
from .assurance_forms import AreaForm, AssuranceDownloadForm, SectionForm, YearForm, field_name
from .exports import FORMATS
from .forms import FORMAT_LABELS
from .permissions import can_edit_assurance, can_read_assurance
from .self_assessment import (
    AssuranceInvalid,
    SectionRows,
    self_assessment_get_for_reading,
    self_assessment_section_rate,
)
from .statistics import Period, PeriodError
from .toolkit import AREA_CODES, Section, section_get
from .views import format_links

BAD_REQUEST = 400


def year_checked(year: int) -> None:
    """A year in a URL: one the statistics know (2000 to 2100), else the page does not exist."""
    try:
        Period.financial_year(year)
    except PeriodError:
        raise Http404 from None


def rows_by_section(sections: list[SectionRows], section: Section) -> dict[str, str]:
    """The section's current ratings and evidence as the form's initial values."""
    rows = next(s.rows for s in sections if s.section.number == section.number)
    initial = {}
    for row in rows:
        initial[f"rating_{field_name(row.code)}"] = row.rating
        initial[f"evidence_{field_name(row.code)}"] = row.evidence
    return initial


def _reader(request: HttpRequest) -> None:
    if not can_read_assurance(request.user):
        raise PermissionDenied


def _editor(request: HttpRequest) -> None:
    if not can_edit_assurance(request.user):
        raise PermissionDenied


def _year(request: HttpRequest, template: str) -> tuple[int | None, HttpResponse | None]:
    form = YearForm(request.GET)
    if not form.is_valid():
        return None, render(request, template, {"year_form": form, "form": form})  # 200: a form with errors
    return form.cleaned_data["year"], None


def _downloads(year: int) -> list[tuple[str, str]]:
    url = reverse("benchmarking:assurance-download")
    return [(FORMAT_LABELS[fmt], f"{url}?year={year}&format={fmt}") for fmt in FORMATS]


class SelfAssessmentView(LoginRequiredMixin, View):
    template = "benchmarking/self_assessment.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        _reader(request)
        year, bad = _year(request, self.template)
        if bad:
            return bad
        authority = request.user.membership.local_authority
        statement = assurance_statement_find(authority=authority, year=year)
        figures = statement_figures(authority=authority, year=year, statement=statement)
        assessment, sections = self_assessment_get_for_reading(user=request.user, year=year, figures=figures)
        context = {"year": year, "period": Period.financial_year(year), "assessment": assessment}
        context |= {"sections": sections, "statement": statement}
        context |= {"year_form": YearForm(initial={"year": year}), "can_edit": can_edit_assurance(request.user)}
        context |= {"downloads": _downloads(year)}
        return render(request, self.template, context)


class SelfAssessmentSectionView(LoginRequiredMixin, View):
    template = "benchmarking/self_assessment_section.html"

    def _section(self, request: HttpRequest, year: int, number: int):  # noqa: ANN202 - a toolkit Section
        _editor(request)
        year_checked(year)
        section = section_get(number)
        if section is None:
            raise Http404
        return section

    def get(self, request: HttpRequest, year: int, number: int) -> HttpResponse:
        section = self._section(request, year, number)
        _, sections = self_assessment_get_for_reading(user=request.user, year=year)
        initial = rows_by_section(sections, section)
        form = SectionForm(section=section, initial=initial)
        return render(request, self.template, {"form": form, "section": section, "year": year})

    def post(self, request: HttpRequest, year: int, number: int) -> HttpResponse:
        section = self._section(request, year, number)
        form = SectionForm(request.POST, section=section)
        if form.is_valid():
            try:
                self_assessment_section_rate(actor=request.user, year=year, section=section, answers=form.answers())
            except AssuranceInvalid as error:
                for code, message in error.errors.items():
                    form.add_error(f"evidence_{field_name(code)}", message)
            else:
                messages.success(request, f"Section {section.number}, {section.title}, saved")
                return redirect(f"{reverse('benchmarking:self-assessment')}?year={year}#section-{section.number}")
        return render(request, self.template, {"form": form, "section": section, "year": year})


class AssuranceStatementView(LoginRequiredMixin, View):
    template = "benchmarking/assurance_statement.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        _reader(request)
        year, bad = _year(request, self.template)
        if bad:
            return bad
        view = assurance_statement_get_for_reading(user=request.user, year=year)
        context = {"year": year, "view": view, "year_form": YearForm(initial={"year": year})}
        context |= {"can_edit": can_edit_assurance(request.user), "downloads": _downloads(year)}
        return render(request, self.template, context)


class AssuranceAreaView(LoginRequiredMixin, View):
    template = "benchmarking/assurance_area.html"

    def _context(self, request: HttpRequest, year: int, area: str) -> dict:
        _editor(request)
        year_checked(year)
        if area not in AREA_CODES:
            raise Http404
        view = assurance_statement_get_for_reading(user=request.user, year=year)
        return {"year": year, "view": view, "row": next(r for r in view.areas if r.area.code == area)}

    def get(self, request: HttpRequest, year: int, area: str) -> HttpResponse:
        context = self._context(request, year, area)
        row = context["row"]
        initial = {"rating": row.rating, "comment": row.comment} if row.updated_at else {}
        return render(request, self.template, context | {"form": AreaForm(initial=initial)})

    def post(self, request: HttpRequest, year: int, area: str) -> HttpResponse:
        context = self._context(request, year, area)
        form = AreaForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                assurance_area_rate(
                    actor=request.user, year=year, area=area, rating=data["rating"], comment=data["comment"]
                )
            except AssuranceInvalid as error:
                for key, message in error.errors.items():
                    form.add_error(None if key in ("__all__", "area") else key, message)
            else:
                messages.success(request, f"{context['row'].area.title}: saved")
                return redirect(f"{reverse('benchmarking:assurance-statement')}?year={year}#area-{area}")
        return render(request, self.template, context | {"form": form})


class AssuranceSubmitView(LoginRequiredMixin, View):
    template = "benchmarking/assurance_submit.html"

    def get(self, request: HttpRequest, year: int) -> HttpResponse:
        _editor(request)
        year_checked(year)
        view = assurance_statement_get_for_reading(user=request.user, year=year)
        return render(request, self.template, {"year": year, "view": view, "errors": []})

    def post(self, request: HttpRequest, year: int) -> HttpResponse:
        _editor(request)
        year_checked(year)
        try:
            assurance_statement_submit(actor=request.user, year=year)
        except AssuranceInvalid as error:
            view = assurance_statement_get_for_reading(user=request.user, year=year)
            context = {"year": year, "view": view, "errors": list(error.errors.values())}
            return render(request, self.template, context)
        messages.success(request, "Assurance statement submitted")
        return redirect(f"{reverse('benchmarking:assurance-statement')}?year={year}")


class AssuranceDownloadView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        _reader(request)
        form = AssuranceDownloadForm(request.GET)
        if not form.is_valid():
            links = format_links(request, "benchmarking:assurance-download")
            context = {"year_form": form, "form": form, "format_links": links}
            return render(request, "benchmarking/assurance_statement.html", context, status=BAD_REQUEST)
        fmt, year = form.cleaned_data["format"], form.cleaned_data["year"]
        authority = request.user.membership.local_authority
        name, content = assurance_export(actor=request.user, authority=authority, year=year, fmt=fmt, via="page")
        response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
