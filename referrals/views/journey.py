"""The referral journey: start, one question per page, check your answers, confirmation. Thin views."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views import View

from accounts.selectors import local_authority_list
from referrals import services
from referrals.exceptions import AttachmentRejected, CaseChangedMeanwhile, ReferralInvalid
from referrals.forms import DeclarationForm
from referrals.journey import BY_SLUG, STEP_OF_ANSWER, Step, step_after, step_before, step_to_resume, steps_for
from referrals.presenters import answer_rows
from referrals.selectors import referral_draft_get, referral_own_get, referrer_details_from_account


class ReferralStartView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "referrals/start.html")

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            referral = services.referral_draft_create(actor=request.user)
        except ReferralInvalid:
            referral = services.referral_draft_create(actor=request.user, local_authority=_first_authority())
        return redirect("referrals:draft-step", draft_id=referral.pk, step="council")


def _first_authority() -> Any:
    """A placeholder council for a user without one; the journey's first question sets the real one."""
    return local_authority_list().first()


def _step_url(referral: Any, step: Step | None, *, back_to_check: bool = False) -> str:
    if step is None:
        return reverse("referrals:draft-check", args=[referral.pk])
    url = reverse("referrals:draft-step", args=[referral.pk, step.slug])
    return f"{url}?return=check" if back_to_check else url


SENT_MEANWHILE = {
    "heading": "This referral has already been sent",
    "message": "It was sent from another tab or window, so the change you just made was not saved.",
    "back_url": reverse_lazy("referrals:my-referrals"),
    "back_label": "Go to your referrals",
}


class ReferralStepView(LoginRequiredMixin, View):
    """One question page: GET shows the saved answers; POST validates, saves the draft, moves on."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.step = BY_SLUG.get(kwargs["step"])
        if self.step is None:
            raise Http404
        self.referral = referral_draft_get(user=request.user, draft_id=kwargs["draft_id"])
        # Decrypted as read: this page's answers and what the journey's conditions ask, not the whole draft.
        self.answers = services.referral_answers_on_demand(self.referral)
        self.back_to_check = request.GET.get("return") == "check"
        return super().dispatch(request, *args, **kwargs)

    def _form(self, data: Any = None, files: Any = None) -> Any:
        if self.step.slug == "council":
            return self.step.form_class(data, initial={"local_authority": self.referral.local_authority_id})
        if self.step.slug == "attachments":
            return self.step.form_class(data, files)
        initial = {n: self.answers.get(n) for n in self.step.answer_names}
        if self.step.slug == "your-details":
            # Filled from the account where nothing is saved yet; the user's Continue saves what they keep.
            for name, value in referrer_details_from_account(user=self.request.user).items():
                if not initial.get(name):
                    initial[name] = value
        return self.step.form_class(data, initial=initial)

    def _render(self, form: Any, status: int = 200) -> HttpResponse:
        back = step_before(self.step.slug, self.answers)
        context = {
            "form": form,
            "step": self.step,
            "referral": self.referral,
            "back_url": reverse("referrals:draft-check", args=[self.referral.pk])
            if self.back_to_check
            else (_step_url(self.referral, back) if back else reverse("referrals:start")),
            "attachments": list(self.referral.attachments.all()) if self.step.slug == "attachments" else [],
        }
        return render(request=self.request, template_name="referrals/step.html", context=context, status=status)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        return self._render(self._form())

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        form = self._form(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(form)
        try:
            self._save(form)
        except ReferralInvalid as exc:
            for name, problems in exc.errors.items():
                form.add_error(name if name in form.fields else None, problems[0])
            return self._render(form)
        except AttachmentRejected as exc:
            form.add_error("file", str(exc))
            return self._render(form)
        except CaseChangedMeanwhile:
            return render(request, "errors/409.html", SENT_MEANWHILE, status=409)
        return self._next(request)

    def _save(self, form: Any) -> None:
        if self.step.slug == "council":
            services.referral_draft_save(
                referral=self.referral,
                actor=self.request.user,
                answers={},
                local_authority=form.cleaned_data["local_authority"],
                step=self.step.slug,
            )
        elif self.step.slug == "attachments":
            upload = form.cleaned_data.get("file")
            if upload:
                services.referral_attachment_add(
                    referral=self.referral,
                    actor=self.request.user,
                    fileobj=upload,
                    filename=upload.name,
                    size=upload.size,
                )
        else:
            services.referral_draft_save(
                referral=self.referral, actor=self.request.user, answers=form.answers(), step=self.step.slug
            )
            self.answers.update(form.answers())

    def _next(self, request: HttpRequest) -> HttpResponse:
        if "save_and_return" in request.POST:
            messages.success(request, "Your answers have been saved. You can come back to this referral later.")
            return redirect("referrals:my-referrals")
        if self.step.slug == "attachments" and ("upload" in request.POST):
            return redirect(_step_url(self.referral, self.step, back_to_check=self.back_to_check))
        if self.back_to_check:
            # A changed date of birth can add the parent or carer page: ask it before going back.
            following = step_after(self.step.slug, self.answers)
            if following is not None and following.slug == "parent-carer" and not self.answers.get("parent_name"):
                return redirect(_step_url(self.referral, following, back_to_check=True))
            return redirect("referrals:draft-check", draft_id=self.referral.pk)
        return redirect(_step_url(self.referral, step_after(self.step.slug, self.answers)))


class ReferralResumeView(LoginRequiredMixin, View):
    """Continue a saved draft where it was left: the first page with a required answer missing."""

    def get(self, request: HttpRequest, draft_id: Any) -> HttpResponse:
        referral = referral_draft_get(user=request.user, draft_id=draft_id)
        return redirect(_step_url(referral, step_to_resume(services.referral_answers(referral))))


class ReferralAttachmentRemoveView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, draft_id: Any, attachment_id: Any) -> HttpResponse:
        referral = referral_draft_get(user=request.user, draft_id=draft_id)
        try:
            services.referral_attachment_remove(referral=referral, actor=request.user, attachment_id=attachment_id)
        except CaseChangedMeanwhile:
            return render(request, "errors/409.html", SENT_MEANWHILE, status=409)
        return redirect("referrals:draft-step", draft_id=referral.pk, step="attachments")


ANSWERS_CHANGED = "Your answers were changed in another tab or window. Check them again before you send the referral."


class ReferralCheckView(LoginRequiredMixin, View):
    """Check your answers, with change links; the declaration; submission."""

    def _render(
        self, request: HttpRequest, referral: Any, form: Any, problems: list | None = None, status: int = 200
    ) -> HttpResponse:
        answers = services.referral_answers(referral)
        sections = answer_rows(referral=referral, answers=answers, steps=steps_for(answers))
        context = {"referral": referral, "sections": sections, "form": form, "problems": problems or []}
        return render(request, "referrals/check.html", context, status=status)

    def get(self, request: HttpRequest, draft_id: Any) -> HttpResponse:
        referral = referral_draft_get(user=request.user, draft_id=draft_id)
        return self._render(request, referral, DeclarationForm(initial={"answers_version": referral.answers_version}))

    def post(self, request: HttpRequest, draft_id: Any) -> HttpResponse:
        referral = referral_own_get(user=request.user, referral_id=draft_id)
        if not referral.is_draft:
            # A second click on "Accept and send": the same single referral's confirmation.
            return redirect("referrals:referral-confirmation", reference=referral.reference)
        form = DeclarationForm(request.POST)
        if not form.is_valid():
            return self._render(request, referral, form)
        try:
            referral = services.referral_submit(
                referral=referral, actor=request.user, answers_version=form.cleaned_data["answers_version"]
            )
        except ReferralInvalid as exc:
            problems = [
                {
                    "message": msgs[0],
                    "url": _step_url(referral, BY_SLUG[STEP_OF_ANSWER.get(name, "name")], back_to_check=True),
                }
                for name, msgs in exc.errors.items()
            ]
            return self._render(request, referral, form, problems)
        except CaseChangedMeanwhile:
            # The page again with the answers as they are now, their version, and the declaration unticked.
            referral = referral_own_get(user=request.user, referral_id=draft_id)
            if not referral.is_draft:
                return redirect("referrals:referral-confirmation", reference=referral.reference)
            form = DeclarationForm(initial={"answers_version": referral.answers_version})
            problems = [{"message": ANSWERS_CHANGED, "url": "#answers"}]
            return self._render(request, referral, form, problems, status=409)
        return redirect("referrals:referral-confirmation", reference=referral.reference)
