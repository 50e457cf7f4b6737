"""Per-case grant pages (triage officer, Prevent lead) and break-glass (a Prevent lead of another authority)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from accounts.models import Role
from referrals import services
from referrals.exceptions import GrantRefused, ReferralInvalid
from referrals.forms import BreakGlassForm, CaseGrantForm, CaseReferenceForm
from referrals.permissions import can_manage_grants, can_view_access_report, grant_may_open
from referrals.selectors import (
    case_grant_get,
    case_grant_list_current,
    case_grantee_choices,
    referral_access_report,
    referral_get,
    referral_get_for_break_glass,
    referral_is_visible,
)


def _add_errors(form: Any, exc: ReferralInvalid) -> None:
    for field, errors in exc.errors.items():
        form.add_error(field if field in form.fields else None, errors[0])


def _managed_referral(request: HttpRequest, reference: str) -> Any:
    """404 if the case is not visible, 403 (audited by the middleware) if visible but not theirs to manage."""
    referral = referral_get(user=request.user, reference=reference)
    if not can_manage_grants(referral, request.user):
        raise PermissionDenied
    return referral


class ReferralGrantsView(LoginRequiredMixin, View):
    """Current grants of one case, each with Revoke, and the form giving a named user access for N days."""

    def _render(self, request: HttpRequest, referral: Any, form: Any) -> HttpResponse:
        context = {
            "referral": referral,
            "form": form,
            "grants": list(case_grant_list_current(referral=referral)),
            "grants_open_case": grant_may_open(referral, Role.PANEL_MEMBER),
        }
        return render(request, "referrals/grants.html", context)

    def _form(self, referral: Any, data: Any = None) -> CaseGrantForm:
        return CaseGrantForm(
            data, grantees=case_grantee_choices(referral=referral), max_days=settings.CASE_GRANT_MAX_DAYS
        )

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        referral = _managed_referral(request, reference)
        return self._render(request, referral, self._form(referral))

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        referral = _managed_referral(request, reference)
        form = self._form(referral, request.POST)
        if not form.is_valid():
            return self._render(request, referral, form)
        try:
            grant = services.case_grant_create(referral=referral, actor=request.user, **form.cleaned_data)
        except ReferralInvalid as exc:
            _add_errors(form, exc)
            return self._render(request, referral, form)
        except GrantRefused as exc:
            raise PermissionDenied from exc
        messages.success(request, f"Access given until {grant.expires_at:%-d %B %Y %H:%M}.")
        return redirect("referrals:referral-grants", reference=reference)


class ReferralGrantRevokeView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, reference: str, grant_id: int) -> HttpResponse:
        referral = _managed_referral(request, reference)
        grant = case_grant_get(referral=referral, grant_id=grant_id)
        try:
            services.case_grant_revoke(grant=grant, actor=request.user)
        except GrantRefused as exc:
            raise PermissionDenied from exc
        messages.success(request, "Access revoked.")
        return redirect("referrals:referral-grants", reference=reference)


class ReferralBreakGlassView(LoginRequiredMixin, View):
    """Open another authority's case: reason code and confirmation first; 404 for anyone who may not."""

    def _render(self, request: HttpRequest, referral: Any, form: Any) -> HttpResponse:
        context = {"referral": referral, "form": form, "hours": settings.BREAK_GLASS_GRANT_HOURS}
        return render(request, "referrals/break_glass.html", context)

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        if referral_is_visible(user=request.user, reference=reference):
            return redirect("referrals:referral-detail", reference=reference)
        referral = referral_get_for_break_glass(user=request.user, reference=reference)
        return self._render(request, referral, BreakGlassForm())

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        if referral_is_visible(user=request.user, reference=reference):
            return redirect("referrals:referral-detail", reference=reference)
        referral = referral_get_for_break_glass(user=request.user, reference=reference)
        form = BreakGlassForm(request.POST)
        if not form.is_valid():
            return self._render(request, referral, form)
        try:
            services.case_break_glass(
                referral=referral,
                actor=request.user,
                reason_code=form.cleaned_data["reason_code"],
                confirmed=form.cleaned_data["confirm"],
            )
        except ReferralInvalid as exc:
            _add_errors(form, exc)
            return self._render(request, referral, form)
        except GrantRefused as exc:
            raise PermissionDenied from exc
        return redirect("referrals:referral-detail", reference=reference)


class BreakGlassStartView(LoginRequiredMixin, View):
    """A Prevent lead types the reference of another authority's case; the break-glass page decides (or 404)."""

    def _render(self, request: HttpRequest, form: Any) -> HttpResponse:
        return render(request, "referrals/break_glass_start.html", {"form": form})

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_role(Role.PREVENT_LEAD):
            raise PermissionDenied
        return self._render(request, CaseReferenceForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_role(Role.PREVENT_LEAD):
            raise PermissionDenied
        form = CaseReferenceForm(request.POST)
        if not form.is_valid():
            return self._render(request, form)
        return redirect("referrals:referral-break-glass", reference=form.cleaned_data["reference"])


class ReferralAccessReportView(LoginRequiredMixin, View):
    """The case's access report for the Prevent lead of its authority: 404 if not visible, 403 otherwise."""

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        referral = referral_get(user=request.user, reference=reference)
        if not can_view_access_report(referral, request.user):
            raise PermissionDenied
        report = referral_access_report(user=request.user, referral=referral)
        context = {"referral": referral, "reference": referral.reference, "report": report}
        return render(request, "referrals/access_report.html", context)
