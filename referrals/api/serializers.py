"""API field rules, declared from the same answer rules as the journey (referrals.validation).

Each Api view in views.py nests its own InputSerializer / OutputSerializer (STYLE.md section 8)
and builds them from these fields.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from referrals.forms import CHOICES, HINTS, QUESTION_LABELS
from referrals.validation import ANSWERS, MAX_AGE, PARENT_REQUIRED, PHONE_RE

PATTERNS = {"postcode": r"^[A-Za-z]{1,2}[0-9][0-9A-Za-z]?\s?[0-9][A-Za-z]{2}$", "phone": PHONE_RE.pattern}
CONDITIONAL = {
    "date_of_birth": "Required unless approximate_age is given.",
    "approximate_age": "Required when date_of_birth is not known.",
    **{name: "Required when the person is under 18." for name in PARENT_REQUIRED},
}


def _help(name: str) -> str:
    spec = ANSWERS[name]
    parts = [QUESTION_LABELS.get(name, spec.label) + "."]
    if HINTS.get(name):
        parts.append(HINTS[name] + ".")
    if name in CONDITIONAL:
        parts.append(CONDITIONAL[name])
    return " ".join(parts)


def _field(name: str) -> serializers.Field:  # noqa: PLR0911 - one return per kind
    spec = ANSWERS[name]
    common: dict[str, Any] = {"required": bool(spec.required), "help_text": _help(name)}
    if spec.kind == "date":
        return serializers.DateField(allow_null=True, **common)
    if spec.kind == "age":
        return serializers.IntegerField(min_value=0, max_value=MAX_AGE, allow_null=True, **common)
    if spec.kind == "choice":
        return serializers.ChoiceField(choices=CHOICES[name], **common)
    if spec.kind == "choices":
        return serializers.MultipleChoiceField(choices=CHOICES[name], allow_empty=True, **common)
    if spec.kind == "email":
        return serializers.EmailField(max_length=spec.max_length, **common)
    blank = {} if spec.required else {"allow_blank": True}
    if spec.kind in PATTERNS:
        return serializers.RegexField(PATTERNS[spec.kind], max_length=spec.max_length, **blank, **common)
    return serializers.CharField(max_length=spec.max_length, trim_whitespace=True, **blank, **common)


def answer_fields() -> dict[str, serializers.Field]:
    """One fresh field per question of the referral form, in the form's order."""
    return {name: _field(name) for name in ANSWERS}


class ErrorSerializer(serializers.Serializer):
    """Field name to a list of messages in GOV.UK voice; `detail` for errors not about one field."""

    detail = serializers.CharField(required=False)
