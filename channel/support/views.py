"""Thin pages of Channel support: fetch through a selector, validate the form, call one service, redirect.

Case pages answer 404 to someone who may not see the case, 403 (audited) to someone who sees it but may not
take the step, and send a coordinator back to the section with a message when the step is not possible at
the case's stage. The provider's pages open only the provider's own interventions (404 for any other)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from referrals.exceptions import CaseChangedMeanwhile, TransitionRefused

from ..choices import ChannelStage
from ..exceptions import ChannelInvalid
from ..models import ChannelCase
from ..permissions import can_coordinate
from ..selectors import channel_case_get
from . import consent, plan, reviews, vaf
from .forms import (
    ConsentForm,
    EndForm,
    InterventionForm,
    PostExitReviewForm,
    SessionForm,
    StartForm,
    VAFAssessmentForm,
)
from .selectors import (
    agenda_item_of_case,
    intervention_get,
    intervention_get_for_provider,
    intervention_list_for_provider,
    is_provider,
    vaf_catalogue_current,
)


def section_url(reference: str, section: str) -> str:
    return reverse("referrals:referral-section", args=[reference, section])


def _add_errors(form: Any, exc: ChannelInvalid) -> None:
    for field, errors in exc.errors.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


class SupportFormView(LoginRequiredMixin, View):
    """One question page of a case's support; subclasses say which form, section, stage check and service."""

    template_name = "channel/support/form.html"
    section = "support"
    title = ""
    button = "Save"

    def not_possible(self, channel_case: ChannelCase) -> str:
        """Why the step cannot be taken at the case's stage now ("" when it can)."""
        return ""

    def make_form(self, channel_case: ChannelCase, data: Any = None) -> Any:
        raise NotImplementedError

    def perform(self, channel_case: ChannelCase, form: Any) -> str:
        """Call the service; return the success message."""
        raise NotImplementedError

    def _load(self, request: HttpRequest, reference: str, **kwargs: Any) -> ChannelCase:
        channel_case = channel_case_get(user=request.user, reference=reference)
        self.load_more(channel_case, **kwargs)
        return channel_case

    def load_more(self, channel_case: ChannelCase, **kwargs: Any) -> None:
        """Fetch what else the URL names (an intervention of this case)."""

    def _check(self, request: HttpRequest, channel_case: ChannelCase) -> HttpResponse | None:
        if not can_coordinate(channel_case, request.user):
            raise PermissionDenied
        reason = self.not_possible(channel_case)
        if reason:
            messages.error(request, reason)
            return redirect(section_url(channel_case.referral.reference, self.section))
        return None

    def _render(self, request: HttpRequest, channel_case: ChannelCase, form: Any) -> HttpResponse:
        context = {
            "referral": channel_case.referral,
            "channel_case": channel_case,
            "form": form,
            "title": self.title,
            "button": self.button,
            "back_url": section_url(channel_case.referral.reference, self.section),
            **self.extra_context(channel_case),
        }
        return render(request, self.template_name, context)

    def extra_context(self, channel_case: ChannelCase) -> dict[str, Any]:
        return {}

    def get(self, request: HttpRequest, reference: str, **kwargs: Any) -> HttpResponse:
        channel_case = self._load(request, reference, **kwargs)
        return self._check(request, channel_case) or self._render(request, channel_case, self.make_form(channel_case))

    def post(self, request: HttpRequest, reference: str, **kwargs: Any) -> HttpResponse:
        channel_case = self._load(request, reference, **kwargs)
        refused = self._check(request, channel_case)
        if refused:
            return refused
        form = self.make_form(channel_case, request.POST)
        if not form.is_valid():
            return self._render(request, channel_case, form)
        try:
            done = self.perform(channel_case, form)
        except TransitionRefused as exc:
            raise PermissionDenied from exc
        except CaseChangedMeanwhile:
            return render(request, "errors/409.html", {"back_url": self._back(channel_case)}, status=409)
        except ChannelInvalid as exc:
            _add_errors(form, exc)
            return self._render(request, channel_case, form)
        messages.success(request, f"{done}: case {reference}")
        return redirect(self._back(channel_case))

    def _back(self, channel_case: ChannelCase) -> str:
        return section_url(channel_case.referral.reference, self.section)


class VAFAssessmentCreateView(SupportFormView):
    template_name = "channel/support/vaf_form.html"
    section = "reviews"
    title = "Record a VAF assessment"
    button = "Save the assessment"

    def not_possible(self, channel_case: ChannelCase) -> str:
        return "" if channel_case.is_open else "This Channel case is closed: nothing more can be recorded on it."

    def load_more(self, channel_case: ChannelCase, **kwargs: Any) -> None:
        """A review at a meeting links here with ?agenda_item=<id>: that item of this case, or none."""
        self.agenda_item = agenda_item_of_case(
            channel_case=channel_case, agenda_item_id=self.request.GET.get("agenda_item", "")
        )

    def make_form(self, channel_case: ChannelCase, data: Any = None) -> VAFAssessmentForm:
        initial = {"assessed_on": timezone.localdate()}
        if self.agenda_item is not None:
            initial |= {"occasion": "review", "assessed_on": self.agenda_item.meeting.date}
        return VAFAssessmentForm(data, catalogue=vaf_catalogue_current(), initial=initial)

    def extra_context(self, channel_case: ChannelCase) -> dict[str, Any]:
        return {"agenda_item": self.agenda_item}

    def perform(self, channel_case: ChannelCase, form: VAFAssessmentForm) -> str:
        vaf.vaf_assessment_create(
            channel_case=channel_case,
            actor=self.request.user,
            catalogue=form.catalogue,
            occasion=form.cleaned_data["occasion"],
            assessed_on=form.cleaned_data["assessed_on"],
            ratings=form.ratings(),
            summary=form.cleaned_data["summary"],
            agenda_item=self.agenda_item,
        )
        return "VAF assessment recorded"


class ConsentRecordView(SupportFormView):
    section = "consent"
    title = "Record the answer to the request for consent"
    button = "Record the answer"

    def not_possible(self, channel_case: ChannelCase) -> str:
        if channel_case.state in (ChannelStage.AWAITING_CONSENT, ChannelStage.SUPPORTED):
            return ""
        return "Consent is asked once the panel has adopted the case, and withdrawn only during support."

    def make_form(self, channel_case: ChannelCase, data: Any = None) -> ConsentForm:
        return ConsentForm(data)

    def perform(self, channel_case: ChannelCase, form: ConsentForm) -> str:
        record = consent.consent_record(channel_case=channel_case, actor=self.request.user, **form.cleaned_data)
        return record.get_outcome_display()


class InterventionCreateView(SupportFormView):
    title = "Add an intervention to the support plan"
    button = "Add the intervention"

    def not_possible(self, channel_case: ChannelCase) -> str:
        return "" if consent.consent_allows_support(channel_case) else plan.NO_CONSENT + "."

    def make_form(self, channel_case: ChannelCase, data: Any = None) -> InterventionForm:
        return InterventionForm(data, local_authority_id=channel_case.referral.local_authority_id)

    def perform(self, channel_case: ChannelCase, form: InterventionForm) -> str:
        plan.intervention_create(channel_case=channel_case, actor=self.request.user, **form.cleaned_data)
        return "Intervention added"


class _InterventionStepView(SupportFormView):
    def load_more(self, channel_case: ChannelCase, **kwargs: Any) -> None:
        self.intervention = intervention_get(channel_case=channel_case, intervention_id=kwargs["intervention_id"])

    def extra_context(self, channel_case: ChannelCase) -> dict[str, Any]:
        return {"intervention": self.intervention}


class InterventionStartView(_InterventionStepView):
    title = "Record that the intervention started"
    button = "Record the start"

    def not_possible(self, channel_case: ChannelCase) -> str:
        if not consent.consent_allows_support(channel_case):
            return plan.NO_CONSENT + "."
        return "This intervention has started already." if self.intervention.actual_start else ""

    def make_form(self, channel_case: ChannelCase, data: Any = None) -> StartForm:
        return StartForm(data)

    def perform(self, channel_case: ChannelCase, form: StartForm) -> str:
        plan.intervention_start(intervention=self.intervention, actor=self.request.user, **form.cleaned_data)
        return "Start recorded"


class InterventionEndView(_InterventionStepView):
    title = "Record that the intervention ended"
    button = "Record the end"

    def not_possible(self, channel_case: ChannelCase) -> str:
        return "This intervention has ended already." if self.intervention.ended_on else ""

    def make_form(self, channel_case: ChannelCase, data: Any = None) -> EndForm:
        return EndForm(data)

    def perform(self, channel_case: ChannelCase, form: EndForm) -> str:
        plan.intervention_end(intervention=self.intervention, actor=self.request.user, **form.cleaned_data)
        return "End recorded"


class InterventionSessionCreateView(_InterventionStepView):
    title = "Log a session"
    button = "Log the session"

    def not_possible(self, channel_case: ChannelCase) -> str:
        allowed = consent.consent_allows_support(channel_case, after_exit=True)
        return "" if allowed else plan.NO_CONSENT + "."

    def make_form(self, channel_case: ChannelCase, data: Any = None) -> SessionForm:
        return SessionForm(data)

    def perform(self, channel_case: ChannelCase, form: SessionForm) -> str:
        plan.intervention_session_log(intervention=self.intervention, actor=self.request.user, **form.cleaned_data)
        return "Session logged"


class PostExitReviewRecordView(SupportFormView):
    section = "reviews"
    button = "Record the review"

    def not_possible(self, channel_case: ChannelCase) -> str:
        return "" if channel_case.state in reviews.REVIEW_AT else "No post-exit review is due for this case now."

    def get(self, request: HttpRequest, reference: str, **kwargs: Any) -> HttpResponse:
        """Before its window opens the page is not offered: back to the section, saying from when. (A POST goes
        to the service, which refuses it, audited, with the same words.)"""
        channel_case = self._load(request, reference, **kwargs)
        not_yet = "" if self.not_possible(channel_case) else reviews.post_exit_review_not_yet(channel_case)
        if not_yet and can_coordinate(channel_case, request.user):
            messages.error(request, f"{not_yet}.")
            return redirect(self._back(channel_case))
        return super().get(request, reference, **kwargs)

    def extra_context(self, channel_case: ChannelCase) -> dict[str, Any]:
        due = [row for row in reviews.post_exit_reviews_due(channel_case) if row["review"] is None]
        label = due[0]["label"] if due else "post-exit review"
        return {"title": f"Record the {label}", "due": due[0] if due else None}

    def make_form(self, channel_case: ChannelCase, data: Any = None) -> PostExitReviewForm:
        return PostExitReviewForm(data, initial={"shown_state": channel_case.state})

    def perform(self, channel_case: ChannelCase, form: PostExitReviewForm) -> str:
        review = reviews.post_exit_review_record(
            channel_case=channel_case, actor=self.request.user, **form.cleaned_data
        )
        return f"{review.get_kind_display()} recorded"


# --- the Intervention Provider's own pages (never the case)


class ProviderHomeView(LoginRequiredMixin, View):
    """A provider's interventions, overdue starts first."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not is_provider(request.user):
            raise PermissionDenied
        today = timezone.localdate()
        interventions = intervention_list_for_provider(user=request.user)
        overdue = [i for i in interventions if i.is_overdue(today)]
        context = {"interventions": interventions, "overdue": overdue, "today": today}
        return render(request, "channel/support/provider_home.html", context)


class ProviderInterventionView(LoginRequiredMixin, View):
    """One of the provider's interventions: the first name, the intervention, their sessions, and the form
    to log one. Anyone else's intervention is a 404 (audited by the middleware)."""

    def _render(self, request: HttpRequest, intervention: Any, form: SessionForm) -> HttpResponse:
        return render(
            request, "channel/support/provider_intervention.html", {"intervention": intervention, "form": form}
        )

    def get(self, request: HttpRequest, intervention_id: Any) -> HttpResponse:
        intervention = intervention_get_for_provider(user=request.user, intervention_id=intervention_id)
        return self._render(request, intervention, SessionForm())

    def post(self, request: HttpRequest, intervention_id: Any) -> HttpResponse:
        intervention = intervention_get_for_provider(user=request.user, intervention_id=intervention_id)
        form = SessionForm(request.POST)
        if not form.is_valid():
            return self._render(request, intervention, form)
        try:
            plan.intervention_session_log(intervention=intervention, actor=request.user, **form.cleaned_data)
        except TransitionRefused as exc:
            raise PermissionDenied from exc
        except ChannelInvalid as exc:
            _add_errors(form, exc)
            return self._render(request, intervention, form)
        messages.success(request, "Session logged")
        return redirect("channel:provider-intervention", intervention_id=intervention.pk)
