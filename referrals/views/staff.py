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
from referrals.journey import steps_for
from referrals.permissions import (
    can_manage_grants,
    can_read,
    can_view_access_report,
    transitions_available,
)
from referrals.presenters import answer_rows, case_summary
from referrals.sections import DEFAULT_SECTION, actions_for, section_get, sections_for, summary_items_for
from referrals.selectors import (
    referral_attachment_open,
    referral_get,
    referral_get_for_reading,
    referral_possible_repeats,
)

# The transitions taken bare (a button, no record): the others are `recorded_in` a case section.
# What the banner says once one is done: words, never the status code.
TRANSITION_DONE = {"start_screening": "Screening started for case {reference}"}

TRANSITION_SERVICES = {"start_screening": services.referral_start_screening}


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
            "case_actions": [] if granted_only else actions_for(referral, request.user),
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


def _recorded_in(referral: Any, transition: str) -> str:
    """The case section whose record drives this transition (custom["recorded_in"]), or ""."""
    declared = next((t for t in referral.get_all_status_transitions() if t.name == transition), None)
    return declared.custom.get("recorded_in", "") if declared is not None else ""


class ReferralTransitionView(LoginRequiredMixin, View):
    """POST one bare transition (starting screening).

    A transition declared `recorded_in` a section is never taken bare: the route sends the user to that
    section, where the record (the screening outcome, the decision) drives it. Nothing changes here.
    """

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and request.method in ("GET", "POST"):
            self.referral = referral = referral_get(user=request.user, reference=kwargs["reference"])
            section = _recorded_in(referral, kwargs["transition"])
            if section:
                target = section_get(section)
                if target is None or not target.visible(referral, request.user):
                    raise PermissionDenied  # a grantee reads the case, they do not move it on (audited)
                messages.info(request, "This is recorded here: the case moves on when the record is made.")
                return redirect("referrals:referral-section", reference=referral.reference, section=section)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, reference: str, transition: str) -> HttpResponse:
        raise Http404  # no transition left has a page of its own here (dispatch sends recorded ones on)

    def post(self, request: HttpRequest, reference: str, transition: str) -> HttpResponse:
        referral = self.referral  # fetched through the selector by dispatch
        try:
            if transition in TRANSITION_SERVICES:
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
