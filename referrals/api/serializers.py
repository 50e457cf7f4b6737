"""API input and output shapes, declared from the same answer rules as the journey (referrals.validation)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts.models import LocalAuthority
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


class ReferralInputSerializer(serializers.Serializer):
    """A complete referral; the service checks completeness and the rules again, as for the journey."""

    local_authority = serializers.SlugRelatedField(
        slug_field="ons_code",
        queryset=LocalAuthority.objects.all(),
        required=False,
        help_text="ONS code of the council area where the person lives (for example E09000007); "
        "defaults to the submitting user's council.",
    )
    locals().update({name: _field(name) for name in ANSWERS})

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = set(self.initial_data) - set(self.fields) if isinstance(self.initial_data, dict) else set()
        if unknown:
            raise serializers.ValidationError(
                {name: ["This is not a question on the referral form"] for name in unknown}
            )
        return attrs

    def answers(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        data.pop("local_authority", None)
        if data.get("approximate_age") is not None:
            data["approximate_age"] = str(data["approximate_age"])
        if "indicators" in data:
            data["indicators"] = sorted(data["indicators"])
        return data


class ReferralReceiptSerializer(serializers.Serializer):
    reference = serializers.RegexField(r"^PRV-\d{4}-\d{6}$", help_text="The referral's reference.")
    status = serializers.ChoiceField(
        choices=[("received", "Received"), ("being_assessed", "Being assessed"), ("closed", "Closed")],
        help_text="Coarse status: outcomes are not disclosed to referrers.",
    )
    submitted_at = serializers.DateTimeField()


class ErrorSerializer(serializers.Serializer):
    """Field name to a list of messages in GOV.UK voice; `detail` for errors not about one field."""

    detail = serializers.CharField(required=False)
