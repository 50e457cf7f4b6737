"""Thin pages of the closure app: the transfers in progress, and confirming CTP's receipt of a case."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from referrals.exceptions import CaseChangedMeanwhile, TransitionNotPossible, TransitionRefused
from referrals.selectors import referral_get

from .case_section import RECEIPT_REASONS
from .forms import ReceiptUploadForm
from .permissions import can_confirm_receipt, can_list_transfers
from .receipts import ReceiptRefused
from .selectors import transfer_for, transfer_list_in_progress
from .services import transfer_receipt_accept


def _section_url(reference: str) -> str:
    return reverse("referrals:referral-section", args=[reference, "closure"])


class TransferListView(LoginRequiredMixin, View):
    """The council's closed cases not yet acknowledged by CTP (Prevent lead, police Prevent officer)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not can_list_transfers(request.user):
            raise PermissionDenied
        return render(
            request, "closure/transfer_list.html", {"transfers": list(transfer_list_in_progress(user=request.user))}
        )


class TransferReceiptView(LoginRequiredMixin, View):
    """POST CTP's receipt for a case (police Prevent officer): 404 for a case the user may not see or with no
    transfer; 403 (audited) for anyone else; a refused receipt comes back as the form's error (audited)."""

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        referral = referral_get(user=request.user, reference=reference)
        transfer = transfer_for(referral)
        if transfer is None:
            raise Http404
        form = ReceiptUploadForm(request.POST, request.FILES)
        permitted = can_confirm_receipt(referral, request.user)
        if not permitted or form.is_valid():
            data = form.cleaned_data["receipt"] if permitted else b""
            try:
                transfer_receipt_accept(data=data, actor=request.user, via="upload", referral=referral)
            except TransitionRefused as exc:  # recorded by the service
                raise PermissionDenied from exc
            except ReceiptRefused as error:
                form.add_error(
                    "receipt", f"The receipt was refused: {RECEIPT_REASONS.get(error.code, 'it was not valid')}"
                )
            except (TransitionNotPossible, CaseChangedMeanwhile):
                messages.error(request, "The case has moved on: the receipt was not needed.")
                return redirect(_section_url(reference))
            else:
                messages.success(request, "CTP's receipt was accepted: the case is transferred to CTP.")
                return redirect(_section_url(reference))
        return render(request, "closure/receipt.html", {"referral": referral, "transfer": transfer, "form": form})
