"""The staff case page: summary, sections (answers, documents, history, and those other apps register), and
the transitions this user may take."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from referrals import services
from referrals.exceptions import CaseChangedMeanwhile, ReferralInvalid, TransitionNotPossible, TransitionRefused
from referrals.forms import CloseForm
from referrals.journey import steps_for
from referrals.permissions import (
    can_close,
    can_manage_grants,
    can_read,
    can_view_access_report,
    transitions_available,
)
from referrals.presenters import answer_rows, case_summary
from referrals.sections import DEFAULT_SECTION, section_get, sections_for, summary_items_for
from referrals.selectors import (
    referral_attachment_open,
    referral_get,
    referral_get_for_reading,
    referral_possible_repeats,
)

# What the banner says once a transition is done: words, never the status code.
TRANSITION_DONE = {
    "start_screening": "Screening started for case {reference}",
    "start_information_gathering": "Information gathering started for case {reference}",
    "refer_to_channel": "Case {reference} referred to the Channel panel",
    "close": "Case {reference} closed",
}

TRANSITION_SERVICES = {
    "start_screening": services.referral_start_screening,
    "start_information_gathering": services.referral_start_information_gathering,
    "refer_to_channel": services.referral_refer_to_channel,
}


class ReferralDetailView(LoginRequiredMixin, View):
    """The case page: the summary card, the actions this user may take, the sub-navigation, and one section
    (the Referral answers by default). Sections come from the registry (referrals/sections.py)."""

    def get(self, request: HttpRequest, reference: str, section: str = "") -> HttpResponse:
        if section == DEFAULT_SECTION:  # one URL per section: the Referral section is the case's own URL
            raise Http404
        section = section or DEFAULT_SECTION
        referral = referral_get_for_reading(user=request.user, reference=reference, section=section)
        current = section_get(section)
        answers = services.referral_answers(referral)
        # A grantee (panel member, break-glass lead) reads the case only: no history, no repeats, no actions.
        # Repeats show only the references this viewer may read; the rest is a notice (audited).
        granted_only = not can_read(referral, request.user)
        repeats = None if granted_only else referral_possible_repeats(user=request.user, referral=referral)
        summary = case_summary(referral=referral, answers=answers, repeats=repeats, today=timezone.localdate())
        summary["work"] = summary_items_for(referral, request.user)  # rows other apps register (mash: assignee, due)
        navigation = [
            {
                "title": entry.title,
                "url": reverse("referrals:referral-detail", args=[reference])
                if entry.slug == DEFAULT_SECTION
                else reverse("referrals:referral-section", args=[reference, entry.slug]),
                "current": entry.slug == current.slug,
            }
            for entry in sections_for(referral, request.user)
        ]
        context = {
            "referral": referral,
            "summary": summary,
            "navigation": navigation,
            "section": current,
            "section_template": current.template,
            "repeats": repeats,
            "transitions": transitions_available(referral, request.user),
            "granted_only": granted_only,
            "can_manage_grants": can_manage_grants(referral, request.user),
            "can_view_access_report": can_view_access_report(referral, request.user),
        }
        if current.slug == DEFAULT_SECTION:
            context |= {
                "sections": answer_rows(referral=referral, answers=answers, steps=steps_for(answers), change=False),
                "information": list(referral.further_information.all()),
            }
        context |= current.context(referral, request.user)
        return render(request, "referrals/detail.html", context)


class ReferralTransitionView(LoginRequiredMixin, View):
    """POST one transition; closing first asks for a reason and a summary."""

    def _close_page(self, request: HttpRequest, referral: Any, form: Any) -> HttpResponse:
        return render(request, "referrals/close.html", {"referral": referral, "form": form})

    def get(self, request: HttpRequest, reference: str, transition: str) -> HttpResponse:
        referral = referral_get(user=request.user, reference=reference)
        if transition != "close":
            raise Http404
        if not can_close(referral, request.user):
            raise PermissionDenied
        return self._close_page(request, referral, CloseForm(initial={"shown_status": referral.status}))

    def post(self, request: HttpRequest, reference: str, transition: str) -> HttpResponse:
        referral = referral_get(user=request.user, reference=reference)
        try:
            if transition == "close":
                form = CloseForm(request.POST)
                shown_status = request.POST.get("shown_status", "")
                if shown_status in {"", referral.status}:
                    if not can_close(referral, request.user):
                        raise PermissionDenied
                    if not form.is_valid():
                        return self._close_page(request, referral, form)
                    services.referral_close(referral=referral, actor=request.user, **form.cleaned_data)
                else:  # moved on since the close page opened: the service records it and says so, whoever may close now
                    services.referral_close(
                        referral=referral, actor=request.user, reason_code="", summary="", shown_status=shown_status
                    )
            elif transition in TRANSITION_SERVICES:
                shown_status = request.POST.get("shown_status", "")
                TRANSITION_SERVICES[transition](referral=referral, actor=request.user, shown_status=shown_status)
            else:
                raise Http404
        except TransitionRefused as exc:
            raise PermissionDenied from exc
        except CaseChangedMeanwhile:
            back_url = reverse("referrals:referral-detail", args=[reference])
            return render(request, "errors/409.html", {"back_url": back_url}, status=409)
        except (TransitionNotPossible, ReferralInvalid):
            messages.error(request, "That action is not possible for this case now.")
            return redirect("referrals:referral-detail", reference=reference)
        messages.success(request, TRANSITION_DONE[transition].format(reference=referral.reference))
        return redirect("referrals:referral-detail", reference=reference)


class ReferralAttachmentDownloadView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest, reference: str, attachment_id: uuid.UUID) -> HttpResponse:
        attachment, opened = referral_attachment_open(
            user=request.user, reference=reference, attachment_id=attachment_id
        )
        response = StreamingHttpResponse(iter(opened), content_type=attachment.content_type)
        response["Content-Disposition"] = f'attachment; filename="attachment-{attachment.pk}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
