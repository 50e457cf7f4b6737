"""Thin pages of the closure app: the transfers in progress, confirming CTP's receipt of a case, purging it,
and the purge certificates of the council."""

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
from .certificate import certificate_verify
from .forms import ReceiptUploadForm
from .permissions import can_confirm_receipt, can_list_certificates, can_list_transfers
from .receipts import ReceiptRefused
from .selectors import certificate_get, certificate_list, transfer_for, transfer_list_in_progress
from .services import transfer_receipt_accept
from .services.purge import PurgeRefused, case_purge


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
    transfer; 403 (audited) for anyone else; a refused receipt comes back as the form's error (audited).
    GET (the address reloaded after a refused receipt): back to the Closure section, where the form is."""

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        referral_get(user=request.user, reference=reference)
        return redirect(_section_url(reference))

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


class CasePurgeView(LoginRequiredMixin, View):
    """POST: the Prevent lead purges a transferred case whose hold period is over. 404 for a case the user
    may not see; a refusal (no receipt, the hold period, another role) is audited by the service: 403 for
    another role, otherwise the reason on the Closure section."""

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        referral = referral_get(user=request.user, reference=reference)
        try:
            certificate = case_purge(reference=referral.reference, actor=request.user, via="prevent_lead")
        except PurgeRefused as refused:
            if refused.code == "NOT_PERMITTED":
                raise PermissionDenied from refused
            messages.error(request, str(refused).removeprefix("Refused: ").capitalize())
            return redirect(_section_url(reference))
        messages.success(request, f"Case {certificate.reference} was purged. Its certificate is below.")
        return redirect("closure:certificate-detail", reference=certificate.reference)


class CertificateListView(LoginRequiredMixin, View):
    """The council's purge certificates (Prevent lead, auditor), newest first."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not can_list_certificates(request.user):
            raise PermissionDenied
        return render(
            request, "closure/certificate_list.html", {"certificates": list(certificate_list(user=request.user))}
        )


class CertificateDetailView(LoginRequiredMixin, View):
    """One certificate of the council, with whether its signature verifies; 404 for another council's."""

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        if not can_list_certificates(request.user):
            raise PermissionDenied
        certificate = certificate_get(user=request.user, reference=reference)
        if certificate is None:
            raise Http404
        rows = sorted(certificate.rows_deleted.items())
        context = {"certificate": certificate, "rows": rows, "signature_valid": certificate_verify(certificate)}
        return render(request, "closure/certificate_detail.html", context)
