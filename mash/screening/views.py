"""The screening pages: one question page per record, posting to itself (the Screening section shows the same
forms). Thin: fetch through the selector, check, call one service, render or redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from referrals.exceptions import CaseChangedMeanwhile
from referrals.selectors import referral_get

from ..exceptions import ScreeningInvalid, ScreeningRefused
from . import services
from .forms import DecisionForm, GatewayCheckForm, ScreeningOutcomeForm

SECTION = "screening"


def section_url(reference: str) -> str:
    return reverse("referrals:referral-section", args=[reference, SECTION])


class _ScreeningRecordView(LoginRequiredMixin, View):
    record: ClassVar[str]
    form_class: ClassVar[type[forms.Form]]
    service: ClassVar[Callable[..., Any]]
    title: ClassVar[str]
    button: ClassVar[str]
    done: ClassVar[str]
    warning: ClassVar[bool] = False

    def _page(self, request: HttpRequest, referral: Any, form: forms.Form, status: int = 200) -> HttpResponse:
        context = {
            "referral": referral,
            "form": form,
            "title": self.title,
            "button": self.button,
            "warning": self.warning,
            "action": request.path,
            "back_url": section_url(referral.reference),
        }
        return render(request, "mash/screening/record.html", context, status=status)

    def _checked(self, request: HttpRequest, reference: str) -> tuple[Any, HttpResponse | None]:
        referral = referral_get(user=request.user, reference=reference)
        try:
            services.screening_record_check(
                record=self.record,
                referral=referral,
                actor=request.user,
                shown_status=request.POST.get("shown_status", "") if request.method == "POST" else "",
            )
        except ScreeningRefused as refused:
            if refused.permission:
                raise PermissionDenied(str(refused)) from refused
            messages.error(request, str(refused))
            return referral, redirect(section_url(referral.reference))
        except CaseChangedMeanwhile:
            return referral, self._conflict(request, referral)
        return referral, None

    def _conflict(self, request: HttpRequest, referral: Any) -> HttpResponse:
        back_url = reverse("referrals:referral-detail", args=[referral.reference])
        return render(request, "errors/409.html", {"back_url": back_url}, status=409)

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        referral, stop = self._checked(request, reference)
        if stop is not None:
            return stop
        initial = self.form_class.initial_for(referral) | {"shown_status": referral.status}
        return self._page(request, referral, self.form_class(initial=initial))

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        referral, stop = self._checked(request, reference)
        if stop is not None:
            return stop
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self._page(request, referral, form)
        try:
            self.service(
                referral=referral,
                actor=request.user,
                shown_status=form.cleaned_data["shown_status"],
                **form.service_arguments(),
            )
        except ScreeningInvalid as invalid:
            for field, message in invalid.errors.items():
                form.add_error(field if field in form.fields else None, message)
            return self._page(request, referral, form)
        except ScreeningRefused as refused:
            if refused.permission:
                raise PermissionDenied(str(refused)) from refused
            messages.error(request, str(refused))
            return redirect(section_url(referral.reference))
        except CaseChangedMeanwhile:
            return self._conflict(request, referral)
        messages.success(request, self.done.format(reference=referral.reference))
        return redirect(section_url(referral.reference))


class GatewayCheckRecordView(_ScreeningRecordView):
    record = services.GATEWAY
    form_class = GatewayCheckForm
    service = staticmethod(services.gateway_check_record)
    title = "Record the police gateway check"
    button = "Save gateway check"
    done = "Gateway check recorded for case {reference}"


class ScreeningOutcomeRecordView(_ScreeningRecordView):
    record = services.OUTCOME
    form_class = ScreeningOutcomeForm
    service = staticmethod(services.screening_outcome_record)
    title = "Record the screening outcome"
    button = "Save screening outcome"
    done = "Screening outcome recorded for case {reference}"


class DecisionRecordView(_ScreeningRecordView):
    record = services.DECISION
    form_class = DecisionForm
    service = staticmethod(services.decision_record)
    title = "Record the decision after information gathering"
    button = "Save decision"
    done = "Decision recorded for case {reference}"
