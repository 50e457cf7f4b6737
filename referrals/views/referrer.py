"""What a referrer sees after submitting: receipts with a coarse status, and adding further information."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from referrals import services
from referrals.exceptions import ReferralInvalid
from referrals.forms import FurtherInformationForm
from referrals.selectors import referral_list_for_referrer, referral_receipt_get


class MyReferralsView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        referrals = list(referral_list_for_referrer(user=request.user))
        context = {
            "drafts": [r for r in referrals if r.is_draft],
            "submitted": [r for r in referrals if not r.is_draft],
        }
        return render(request, "referrals/my_referrals.html", context)


class ReferralConfirmationView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        referral = referral_receipt_get(user=request.user, reference=reference)
        return render(request, "referrals/confirmation.html", {"referral": referral})


class ReferralInformationAddView(LoginRequiredMixin, View):
    def _render(self, request: HttpRequest, referral: Any, form: Any) -> HttpResponse:
        return render(request, "referrals/add_information.html", {"referral": referral, "form": form})

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        return self._render(
            request, referral_receipt_get(user=request.user, reference=reference), FurtherInformationForm()
        )

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        referral = referral_receipt_get(user=request.user, reference=reference)
        form = FurtherInformationForm(request.POST)
        if not form.is_valid():
            return self._render(request, referral, form)
        try:
            services.referral_information_add(referral=referral, actor=request.user, text=form.cleaned_data["text"])
        except ReferralInvalid as exc:
            form.add_error("text", exc.errors.get("text", ["Enter the further information"])[0])
            return self._render(request, referral, form)
        messages.success(request, f"Your further information has been added to referral {referral.reference}.")
        return redirect("referrals:my-referrals")
