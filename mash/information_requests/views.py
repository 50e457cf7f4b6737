"""Information request pages: the partner's (their list, answer, decline) and the triage officer's (ask, chase,
withdraw, an answer's files). Thin: a selector, one service, render or redirect."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from referrals.selectors import referral_get

from . import services
from .exceptions import InformationRequestInvalid, InformationRequestRefused
from .forms import AnswerForm, DeclineForm, InformationRequestForm
from .permissions import ADDRESSEE_ROLES, can_create_request
from .selectors import (
    RequestClosed,
    information_request_file_open,
    information_request_get_for_addressee,
    information_request_get_for_staff,
    information_request_list_for_addressee,
)

SECTION = "information-requests"


def _closed(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "mash/requests/closed.html", {"message": message}, status=403)


def _add_errors(form: Any, exc: InformationRequestInvalid) -> None:
    for field, field_messages in exc.errors.items():
        for message in field_messages:
            form.add_error(field if field in form.fields else None, message)


class RequestListView(LoginRequiredMixin, View):
    """The partner contributor's open requests."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_role(*ADDRESSEE_ROLES):
            raise PermissionDenied
        requests = information_request_list_for_addressee(user=request.user)
        return render(request, "mash/requests/list.html", {"requests": requests, "today": timezone.localdate()})


class _AddresseeRequestView(LoginRequiredMixin, View):
    """A page of one request for its addressee: the question and one form (answer or decline), one service."""

    template = ""
    form_class: type = AnswerForm
    answering = True  # for the refusal record when the request has closed
    done_message = ""

    def _page(self, request: HttpRequest, information_request: Any, form: Any) -> HttpResponse:
        return render(request, self.template, {"information_request": information_request, "form": form})

    def act(self, request: HttpRequest, information_request: Any, form: Any) -> None:
        raise NotImplementedError

    def get(self, request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
        try:
            information_request = information_request_get_for_addressee(user=request.user, request_id=request_id)
        except RequestClosed as exc:
            return _closed(request, exc.message)
        return self._page(request, information_request, self.form_class())

    def post(self, request: HttpRequest, request_id: uuid.UUID) -> HttpResponse:
        try:
            information_request = information_request_get_for_addressee(user=request.user, request_id=request_id)
        except RequestClosed as exc:
            services.closed_refusal_record(actor=request.user, request_id=request_id, answering=self.answering)
            return _closed(request, exc.message)
        form = self.form_class(request.POST, request.FILES)
        if not form.is_valid():
            return self._page(request, information_request, form)
        try:
            self.act(request, information_request, form)
        except InformationRequestInvalid as exc:
            _add_errors(form, exc)
            return self._page(request, information_request, form)
        except InformationRequestRefused as exc:
            return _closed(request, str(exc))
        messages.success(request, self.done_message)
        return redirect("requests:request-list")


class RequestAnswerView(_AddresseeRequestView):
    """The request's page for its addressee: the question, and a form to answer it."""

    template = "mash/requests/answer.html"
    form_class = AnswerForm
    done_message = "Your answer has been sent. Thank you."

    def act(self, request: HttpRequest, information_request: Any, form: Any) -> None:
        upload = form.cleaned_data.get("file")
        uploads = [services.Upload(upload, upload.name, upload.size)] if upload else []
        services.information_request_answer(
            information_request=information_request,
            actor=request.user,
            answer=form.cleaned_data["answer"],
            uploads=uploads,
        )


class RequestDeclineView(_AddresseeRequestView):
    """The addressee declines the request, with a reason."""

    template = "mash/requests/decline.html"
    form_class = DeclineForm
    answering = False
    done_message = "You have declined the request. The council has been told."

    def act(self, request: HttpRequest, information_request: Any, form: Any) -> None:
        services.information_request_decline(
            information_request=information_request, actor=request.user, reason=form.cleaned_data["reason"]
        )


class InformationRequestCreateView(LoginRequiredMixin, View):
    """The triage officer asks a partner contributor (the case in information gathering)."""

    template = "mash/requests/create.html"

    def _page(self, request: HttpRequest, referral: Any, form: Any) -> HttpResponse:
        return render(request, self.template, {"referral": referral, "form": form})

    def _referral(self, request: HttpRequest, reference: str) -> Any:
        referral = referral_get(user=request.user, reference=reference)
        if not can_create_request(referral, request.user):
            raise PermissionDenied
        return referral

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        referral = self._referral(request, reference)
        return self._page(request, referral, InformationRequestForm(referral=referral))

    def post(self, request: HttpRequest, reference: str) -> HttpResponse:
        referral = self._referral(request, reference)
        form = InformationRequestForm(request.POST, referral=referral)
        if not form.is_valid():
            return self._page(request, referral, form)
        try:
            services.information_request_create(referral=referral, actor=request.user, **form.cleaned_data)
        except InformationRequestInvalid as exc:
            _add_errors(form, exc)
            return self._page(request, referral, form)
        except InformationRequestRefused as exc:
            raise PermissionDenied from exc
        organisation = form.cleaned_data["organisation"].name
        messages.success(request, f"Information requested from {organisation}")
        return redirect("referrals:referral-section", reference=reference, section=SECTION)


class _StaffActionView(LoginRequiredMixin, View):
    service: Any = None
    done = ""

    def post(self, request: HttpRequest, reference: str, request_id: uuid.UUID) -> HttpResponse:
        information_request = information_request_get_for_staff(
            user=request.user, reference=reference, request_id=request_id
        )
        try:
            type(self).service(information_request=information_request, actor=request.user)
        except InformationRequestRefused as exc:
            raise PermissionDenied from exc
        messages.success(request, self.done.format(organisation=information_request.organisation.name))
        return redirect("referrals:referral-section", reference=reference, section=SECTION)


class InformationRequestChaseView(_StaffActionView):
    service = services.information_request_chase
    done = "Reminder sent to {organisation}"


class InformationRequestWithdrawView(_StaffActionView):
    service = services.information_request_withdraw
    done = "Information request to {organisation} withdrawn"


class InformationRequestFileView(LoginRequiredMixin, View):
    """A file sent with an answer, for the case's readers (decrypted as it streams)."""

    def get(self, request: HttpRequest, reference: str, request_id: uuid.UUID, file_id: uuid.UUID) -> HttpResponse:
        attachment, opened = information_request_file_open(
            user=request.user, reference=reference, request_id=request_id, file_id=file_id
        )
        response = StreamingHttpResponse(iter(opened), content_type=attachment.content_type)
        response["Content-Disposition"] = f'attachment; filename="answer-file-{attachment.pk}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
