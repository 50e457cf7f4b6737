"""The Prevent lead's (and auditor's) statistics page: the report with charts, and its downloads (audited)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from accounts.models import LocalAuthority

from . import exports
from .forms import FORMAT_LABELS, PeriodForm
from .permissions import can_export_statistics
from .services import statistics_export

# A page that shows its form with errors answers 200, as every form of the service does; a download asked for
# with bad parameters answers 400 (no file), with the same form and its errors.
BAD_REQUEST = 400


def format_links(request: HttpRequest, url_name: str) -> list[tuple[str, str]]:
    """The download asked for, in each format offered: where a refused format's error leads."""
    query = request.GET.copy()
    links = []
    for fmt in exports.FORMATS:
        query["format"] = fmt
        links.append((FORMAT_LABELS[fmt], f"{reverse(url_name)}?{query.urlencode()}"))
    return links


def _form_again(request: HttpRequest, form: PeriodForm, *, status: int = 200) -> HttpResponse:
    context = {"form": form, "format_links": format_links(request, "benchmarking:download")}
    return render(request, "benchmarking/report.html", context, status=status)


def _authority(request: HttpRequest) -> LocalAuthority:
    if not can_export_statistics(request.user):
        raise PermissionDenied
    return request.user.membership.local_authority  # loaded with the user (accounts.backends.UserBackend)


class ReportView(LoginRequiredMixin, View):
    """The report for a period (this financial year by default), each export link with the same period."""

    def get(self, request: HttpRequest) -> HttpResponse:
        authority = _authority(request)
        form = PeriodForm(request.GET)  # empty: this financial year
        if not form.is_valid():
            return _form_again(request, form)
        period = form.cleaned_data["period"]
        stats, _ = statistics_export(actor=request.user, authority=authority, period=period, fmt="html", via="page")
        query = {"date_from_day": period.start.day, "date_from_month": period.start.month}
        query |= {"date_from_year": period.start.year, "date_to_day": period.end.day}
        query |= {"date_to_month": period.end.month, "date_to_year": period.end.year}
        downloads = [
            (FORMAT_LABELS[fmt], f"{reverse('benchmarking:download')}?{urlencode({**query, 'format': fmt})}")
            for fmt in ("csv", "xlsx", "json", "html")
        ]
        context = {"form": form, "downloads": downloads}
        context |= exports.report_context(stats)
        return render(request, "benchmarking/report.html", context)


class DownloadView(LoginRequiredMixin, View):
    """One file of the statistics (this financial year as CSV unless asked otherwise); bad input: the form again."""

    def get(self, request: HttpRequest) -> HttpResponse:
        authority = _authority(request)
        form = PeriodForm(request.GET)
        if not form.is_valid():
            return _form_again(request, form, status=BAD_REQUEST)
        fmt, period = form.cleaned_data["format"], form.cleaned_data["period"]
        stats, content = statistics_export(actor=request.user, authority=authority, period=period, fmt=fmt, via="page")
        response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{exports.filename(stats, fmt)}"'
        return response
