"""What a referrer sees after submitting: receipts with a coarse status, and adding further information."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from referrals import sections, services
from referrals.choices import CoarseStatus
from referrals.exceptions import ReferralClosed, ReferralInvalid
from referrals.forms import FurtherInformationForm
from referrals.selectors import referral_drafts_for_author, referral_list_for_referrer, referral_receipt_get


class MyReferralsView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        # A purged case is only its reference now (closure keeps its certificate): it reads "Closed".
        gone = [
            SimpleNamespace(**case, coarse_status=CoarseStatus.CLOSED)
            for case in sections.gone_cases_for_referrer(request.user)
        ]
        context = {
            "drafts": list(referral_drafts_for_author(user=request.user)),
            "submitted": [r for r in referral_list_for_referrer(user=request.user) if not r.is_draft] + gone,
        }
        return render(request, "referrals/my_referrals.html", context)


class ReferralConfirmationView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        referral = referral_receipt_get(user=request.user, reference=reference)
        return render(request, "referrals/confirmation.html", {"referral": referral})


class ReferralInformationAddView(LoginRequiredMixin, View):
    """The referrer adds further information to their own referral; a closed referral says so and takes none."""

    def _render(self, request: HttpRequest, referral: Any, form: Any) -> HttpResponse:
        return render(request, "referrals/add_information.html", {"referral": referral, "form": form})

    def _closed(self, request: HttpRequest, referral: Any) -> HttpResponse:
        # 403: the referrer may see the receipt but not take this action (ACCESS.md); audited as a refusal.
        context = {"referral": referral, "closed_message": ReferralClosed.message}
        return render(request, "referrals/add_information.html", context, status=403)

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        referral = referral_receipt_get(user=request.user, reference=reference)
        if referral.coarse_status == CoarseStatus.CLOSED:
            return self._closed(request, referral)
        return self._render(request, referral, FurtherInformationForm())

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        referral = referral_receipt_get(user=request.user, reference=reference)
        form = FurtherInformationForm(request.POST)
        # A closed referral is refused by the service (and audited there) whatever the text says.
        if not form.is_valid() and referral.coarse_status != CoarseStatus.CLOSED:
            return self._render(request, referral, form)
        try:
            services.referral_information_add(
                referral=referral, actor=request.user, text=form.cleaned_data.get("text", "")
            )
        except ReferralClosed:
            return self._closed(request, referral)
        except ReferralInvalid as exc:
            form.add_error("text", exc.errors.get("text", ["Enter the further information"])[0])
            return self._render(request, referral, form)
        messages.success(request, f"Your further information has been added to referral {referral.reference}.")
        return redirect("referrals:my-referrals")
