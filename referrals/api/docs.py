"""A GOV.UK page describing the API (no third-party viewer: the CSP allows only our own assets).

Types are told as a person reads them ("text, up to 100 characters", "date, YYYY-MM-DD", "one of: ..."),
from the same serializer fields the schema is generated from, so the page and the schema cannot differ.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.views.generic import TemplateView
from rest_framework import serializers

from referrals.validation import ANSWERS

from .serializers import OnsCodeField, ReferralInputSerializer

KIND_NOUNS = {
    "postcode": "UK postcode",
    "phone": "phone number",
    "email": "email address",
    "contact": "phone number (at least 10 digits) or email address",
}


def human_type(name: str, field: serializers.Field) -> str:  # noqa: PLR0911 - one return per kind
    """The field's type in words; a choice field's options are listed beside it (`choices`)."""
    if isinstance(field, OnsCodeField):
        return "ONS code, a letter then 8 digits"
    if isinstance(field, serializers.DateField):
        return "date, YYYY-MM-DD"
    if isinstance(field, serializers.IntegerField):
        return f"whole number, {field.min_value} to {field.max_value}"
    if isinstance(field, serializers.MultipleChoiceField):
        return "list, any of"
    if isinstance(field, serializers.ChoiceField):
        return "one of"
    if isinstance(field, serializers.FileField):
        return "file"
    spec = ANSWERS.get(name)
    noun = KIND_NOUNS.get(spec.kind, "text") if spec else "text"
    max_length = getattr(field, "max_length", None)
    return f"{noun}, up to {max_length} characters" if max_length else noun


def field_rows(serializer: serializers.Serializer) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "type": human_type(name, field),
            "choices": list(field.choices.items()) if isinstance(field, serializers.ChoiceField) else [],
            "required": field.required,
            "help": field.help_text,
        }
        for name, field in serializer.fields.items()
    ]


class ApiDocsView(TemplateView):
    template_name = "api/docs.html"

    def get_context_data(self, **kwargs: object) -> dict:
        context = super().get_context_data(**kwargs)
        context["fields"] = field_rows(ReferralInputSerializer())
        context["answer_count"] = len(ANSWERS)
        context["token_max_age_days"] = settings.API_TOKEN_MAX_AGE_DAYS
        context["attachment_max_mb"] = settings.REFERRAL_ATTACHMENT_MAX_BYTES // (1024 * 1024)
        return context
