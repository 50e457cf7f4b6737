"""API input and output shapes, declared from the same answer rules as the journey (referrals.validation).

Every error message comes from referrals.validation, the one source of words for the form and the API;
the schema states what the server checks (no blank required text, the ONS code's pattern, no unknown
fields), so a request a client builds from the schema alone is accepted.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from django.db import DatabaseError
from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension
from rest_framework import serializers
from rest_framework.fields import ProhibitSurrogateCharactersValidator

from accounts.models import LocalAuthority
from referrals.forms import CHOICES, HINTS, QUESTION_LABELS
from referrals.validation import (
    ADULT_AGE,
    ANSWERS,
    CONTACT_RE,
    COUNCIL_MESSAGES,
    MAX_AGE,
    NOT_A_QUESTION,
    ONS_CODE_RE,
    PARENT_REQUIRED,
    PHONE_RE,
    answers_complete,
    answers_validate,
    field_messages,
    not_text_message,
)

PATTERNS = {
    "postcode": r"^[A-Za-z]{1,2}[0-9][0-9A-Za-z]?\s?[0-9][A-Za-z]{2}$",
    "phone": PHONE_RE.pattern,
    "contact": CONTACT_RE.pattern,
}
# Text the server accepts: no NUL character and, for a required answer, at least one that is not a space.
# An optional answer's schema is "this, or the empty string": the pattern needs a character so the two
# alternatives never overlap (one of them, exactly, as oneOf says).
TEXT_PATTERN = r"^[^\x00]+$"
REQUIRED_TEXT_PATTERN = r"^[^\x00]*[^\x00\s][^\x00]*$"
CONDITIONAL = {
    "date_of_birth": "Give this or approximate_age, not both.",
    "approximate_age": "Give this when date_of_birth is not known; not both.",
    **{name: "Required when the person is under 18." for name in PARENT_REQUIRED},
}
# Where the page's hint speaks of its own widgets (three boxes for a date), the API says its own format.
API_HINTS = {"date_of_birth": f"For example, 2010-03-27: in the past, and no more than {MAX_AGE} years ago"}
INVALID_BODY = "Send the referral as a JSON object of field names and answers"


def sentence(text: str) -> str:
    """The text as a sentence: one full stop at the end, never two (hints may end with their own)."""
    text = text.strip()
    return text if not text or text[-1] in ".?!" else text + "."


def _help(name: str) -> str:
    spec = ANSWERS[name]
    parts = [sentence(QUESTION_LABELS.get(name, spec.label)), sentence(API_HINTS.get(name, HINTS.get(name, "")))]
    parts.append(CONDITIONAL.get(name, ""))
    return " ".join(part for part in parts if part)


def readable_name(name: str) -> str:
    """An unknown field's name as the error's key: a lone surrogate (JSON allows "\\ud800") cannot be encoded
    in the UTF-8 answer, so it is written as its escape instead of failing the response."""
    return name.encode("utf-8", "backslashreplace").decode("utf-8")


class GovukTextMixin:
    """REST framework's own NUL and surrogate checks speak in its words: the answer's message instead.

    A NUL is refused by the field's pattern (TEXT_PATTERN, or the postcode's, phone's or email's own),
    so REST framework's NUL check goes: one message per problem, not two. Done in __init__ because
    a serializer's fields are copies made by calling __init__ again with the declared arguments.
    """

    def __init__(self, *args: Any, text_message: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.text_message = text_message
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]
        for validator in self.validators:
            if isinstance(validator, ProhibitSurrogateCharactersValidator):
                validator.message = text_message

    def to_internal_value(self, data: Any) -> str:
        """Text only: REST framework would turn a number into text, where the schema says a string."""
        if not isinstance(data, str):
            raise serializers.ValidationError(self.text_message, code="invalid")
        return super().to_internal_value(data)


class TextField(GovukTextMixin, serializers.CharField):
    pass


class PatternField(GovukTextMixin, serializers.RegexField):
    pass


class EmailAddressField(GovukTextMixin, serializers.EmailField):
    pass


def _field(name: str) -> serializers.Field:  # noqa: PLR0911 - one return per kind
    spec = ANSWERS[name]
    messages = field_messages(name)
    common: dict[str, Any] = {"required": bool(spec.required), "help_text": _help(name), "error_messages": messages}
    if spec.kind == "date":
        return serializers.DateField(allow_null=True, input_formats=["iso-8601"], **common)
    if spec.kind == "age":
        return serializers.IntegerField(min_value=0, max_value=MAX_AGE, allow_null=True, **common)
    if spec.kind == "choice":
        return serializers.ChoiceField(choices=CHOICES[name], **common)
    if spec.kind == "choices":
        return ChoicesField(choices=CHOICES[name], allow_empty=True, **common)
    text: dict[str, Any] = {"max_length": spec.max_length, "allow_blank": not spec.required}
    text["text_message"] = not_text_message(spec)
    if spec.required:
        text["min_length"] = 1  # the schema says what the server checks: a blank answer is no answer
    if spec.kind == "email":
        return EmailAddressField(**text, **common)
    if spec.kind in PATTERNS:
        return PatternField(PATTERNS[spec.kind], **text, **common)
    pattern = REQUIRED_TEXT_PATTERN if spec.required else TEXT_PATTERN
    validator = RegexValidator(pattern, message=not_text_message(spec))
    return TextField(trim_whitespace=True, validators=[validator], **text, **common)


class ChoicesField(serializers.MultipleChoiceField):
    """A JSON list of options: REST framework would take an object (its keys) too, where the schema says a list."""

    def to_internal_value(self, data: Any) -> set[Any]:
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


class OnsCodeField(serializers.SlugRelatedField):
    """A council by its ONS code (a letter and eight digits); the schema carries the pattern, never null."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="ons_code", queryset=LocalAuthority.objects.all(), **kwargs)


class OnsCodeFieldExtension(OpenApiSerializerFieldExtension):
    """The pattern, and the codes of the councils this service serves: a code outside them is refused, so the
    schema lists them (reference data, public; a client generated from the schema sends only these)."""

    target_class = OnsCodeField

    def map_serializer_field(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "pattern": ONS_CODE_RE.pattern}
        try:
            codes = sorted(LocalAuthority.objects.values_list("ons_code", flat=True))
        except DatabaseError:  # the schema made with no database (manage.py spectacular): the pattern alone
            codes = []
        if codes:
            schema["enum"] = codes
        return schema

    def to_internal_value(self, data: Any) -> LocalAuthority:
        if not isinstance(data, str) or not ONS_CODE_RE.fullmatch(data):
            self.fail("invalid")
        return super().to_internal_value(data)


class ReferralInputSerializer(serializers.Serializer):
    """A complete referral; the service checks completeness and the rules again, as for the journey."""

    default_error_messages = {"invalid": INVALID_BODY}

    local_authority = OnsCodeField(
        required=False,
        error_messages=COUNCIL_MESSAGES,
        help_text="ONS code of the council area where the person lives, for example E09000007. "
        "Defaults to the submitting user's council.",
    )
    locals().update({name: _field(name) for name in ANSWERS})

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        """Every error of the request at once: the fields' own, unknown names, and the referral's rules."""
        if not isinstance(data, dict):
            return super().to_internal_value(data)  # refused as a whole, in INVALID_BODY's words
        unknown = sorted(set(data) - set(self.fields))
        errors: dict[str, Any] = {readable_name(name): [NOT_A_QUESTION] for name in unknown}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            errors |= exc.detail
            # The fields that passed, again, so the referral's rules below see them.
            passed = set(data) & set(self.fields) - set(errors)
            value = {name: self.fields[name].run_validation(data[name]) for name in passed}
        # The rules of a whole referral (a child's parent or carer, a date of birth or an age): reported
        # with the fields' errors, not in a second round after those are fixed.
        clean, rule_errors = answers_validate(self._answers(value))
        for name, messages in (answers_complete(clean) | rule_errors).items():
            errors.setdefault(name, messages)
        if errors:
            raise serializers.ValidationError(errors)
        return value

    @staticmethod
    def _answers(data: dict[str, Any]) -> dict[str, Any]:
        answers = {name: value for name, value in data.items() if name in ANSWERS}
        if answers.get("approximate_age") is not None:
            answers["approximate_age"] = str(answers["approximate_age"])
        if "indicators" in answers:
            answers["indicators"] = sorted(answers["indicators"])
        return answers

    def answers(self) -> dict[str, Any]:
        return self._answers(dict(self.validated_data))


class ClosedObjectExtension(OpenApiSerializerExtension):
    """The referral's schema names every field the server accepts: any other is refused, so the schema says so."""

    target_class = ReferralInputSerializer
    match_subclasses = True  # the create view's own InputSerializer (STYLE.md section 8) is a subclass

    def map_serializer(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        schema = auto_schema._map_basic_serializer(self.target, direction)  # noqa: SLF001 - the documented way
        schema["additionalProperties"] = False
        # The referral's rules that a schema can state (those on a date of birth, "in the past" and "under 18",
        # depend on today and are in the fields' descriptions): a date of birth or an approximate age, not both;
        # an approximate age under 18 with no date of birth needs the parent or carer's answers.
        dob = {"required": ["date_of_birth"], "properties": {"date_of_birth": {"type": "string"}}}
        age = {"required": ["approximate_age"], "properties": {"approximate_age": {"type": "integer"}}}
        child = {"properties": {"approximate_age": {"type": "integer", "maximum": ADULT_AGE - 1}}}
        parent = {
            "required": sorted(PARENT_REQUIRED),
            "properties": {name: {"type": "string", "pattern": REQUIRED_TEXT_PATTERN} for name in PARENT_REQUIRED},
        }
        schema["allOf"] = [{"oneOf": [dob, age]}, {"anyOf": [dob, {"not": {**age, **child}}, parent]}]
        return schema


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


# A 400: every field's messages at once, field name to a list of sentences (`detail` when about no one field).
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
