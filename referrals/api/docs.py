"""A GOV.UK page describing the API (no third-party viewer: the CSP allows only our own assets)."""

from __future__ import annotations

from django.conf import settings
from django.views.generic import TemplateView

from referrals.validation import ANSWERS

from .views import ReferralCreateApi


class ApiDocsView(TemplateView):
    template_name = "api/docs.html"

    def get_context_data(self, **kwargs: object) -> dict:
        context = super().get_context_data(**kwargs)
        fields = ReferralCreateApi.InputSerializer().fields
        context["fields"] = [
            {
                "name": name,
                "type": type(field).__name__.replace("Field", "").lower(),
                "required": field.required,
                "max_length": getattr(field, "max_length", None),
                "choices": list(getattr(field, "choices", {}) or {}),
                "help": field.help_text,
            }
            for name, field in fields.items()
        ]
        context["answer_count"] = len(ANSWERS)
        context["token_max_age_days"] = settings.API_TOKEN_MAX_AGE_DAYS
        return context
