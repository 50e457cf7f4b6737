"""The rules every referral answer obeys, whatever the entry point (journey pages, API, benchmark).

`answers_validate` checks shape and limits of the answers given; `answers_complete` adds what a
submission needs. Messages are in GOV.UK voice and name no value (they may reach logs as counts).
This module is the one source of those words: the journey's form fields and the API's serializer
fields take theirs from `field_messages` and `COUNCIL_MESSAGES`, so a person reads the same sentence
whichever way they sent the referral.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from accounts.models import Sector

from .choices import ConcernType, Gender, Indicator, YesNoUnknown

POSTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?\s?[0-9][A-Z]{2}$", re.IGNORECASE)
PHONE_RE = re.compile(r"^[0-9+()\-\s]{7,30}$")
# "Phone number or email address": a UK-style phone number (10 to 15 digits, with spaces, +, brackets or
# hyphens between them) or an email address. One pattern for the journey, the API and its schema, so what
# a client builds from the schema is accepted; its email half is narrower than Django's validate_email.
CONTACT_PHONE = r"[+()\-\s]*(?:[0-9][+()\-\s]*){10,15}"
CONTACT_EMAIL = (
    r"[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
CONTACT_RE = re.compile(rf"^(?:{CONTACT_PHONE}|{CONTACT_EMAIL})$")
ADULT_AGE = 18
MAX_AGE = 120
YES_NO = ["yes", "no"]
# The one wording of the date of birth rules, for the journey's page and the API alike.
DATE_OF_BIRTH_OR_AGE_REQUIRED = "Enter their date of birth, or their approximate age if you do not know it"
DATE_OF_BIRTH_OR_AGE_NOT_BOTH = "Enter their date of birth or their approximate age, not both"


@dataclass(frozen=True)
class Answer:
    max_length: int = 0
    kind: str = "text"  # text, date, choice, choices, email, phone, contact (phone or email), postcode, age
    choices: tuple[str, ...] = ()
    required: str = ""  # the message when a submission lacks it; empty for optional answers
    label: str = ""


ANSWERS: dict[str, Answer] = {
    "given_name": Answer(100, required="Enter their first name", label="First name"),
    "family_name": Answer(100, required="Enter their last name", label="Last name"),
    "other_names": Answer(200, label="Other names"),
    "date_of_birth": Answer(kind="date", label="Date of birth"),
    "approximate_age": Answer(3, kind="age", label="Approximate age"),
    "gender": Answer(20, "choice", tuple(Gender.values), "Select their gender", "Gender"),
    "address": Answer(500, required="Enter their address", label="Address"),
    "postcode": Answer(10, "postcode", required="Enter their postcode", label="Postcode"),
    "contact": Answer(200, "contact", label="Phone number or email address"),
    "first_language": Answer(100, label="First language"),
    "interpreter_needed": Answer(
        10, "choice", tuple(YES_NO), "Select yes if they need an interpreter", "Interpreter needed"
    ),
    "education_or_employer": Answer(200, label="School, college or employer"),
    "parent_name": Answer(200, label="Parent or carer's full name"),
    "parent_relationship": Answer(100, label="Relationship to the person"),
    "parent_contact": Answer(200, "contact", label="Parent or carer's phone number or email address"),
    "parent_address": Answer(500, label="Parent or carer's address"),
    "referrer_name": Answer(200, required="Enter your full name", label="Your full name"),
    "referrer_role": Answer(200, required="Enter your job title or role", label="Your role"),
    "referrer_organisation": Answer(200, required="Enter your organisation", label="Your organisation"),
    "referrer_sector": Answer(
        30, "choice", tuple(Sector.values), "Select your organisation's sector", "Your organisation's sector"
    ),
    "referrer_phone": Answer(30, "phone", label="Your phone number"),
    "referrer_email": Answer(254, "email", required="Enter your email address", label="Your email address"),
    "safeguarding_lead_aware": Answer(
        10,
        "choice",
        tuple(YesNoUnknown.values),
        "Select whether your safeguarding or Prevent lead knows about this referral",
        "Safeguarding lead knows",
    ),
    "concern_description": Answer(10000, required="Describe your concerns", label="Your concerns"),
    "concern_when": Answer(500, required="Enter when this happened", label="When it happened"),
    "concern_how_learned": Answer(
        2000, required="Enter how the concern came to your notice", label="How you learned of it"
    ),
    "concern_type": Answer(
        40, "choice", tuple(ConcernType.values), "Select the type of concern, or not sure", "Type of concern"
    ),
    "indicators": Answer(kind="choices", choices=tuple(Indicator.values), label="What you have noticed"),
    "complex_needs": Answer(5000, label="Complex needs"),
    "person_aware": Answer(
        10,
        "choice",
        tuple(YesNoUnknown.values),
        "Select whether the person knows about this referral",
        "Person knows of the referral",
    ),
    "other_agencies": Answer(2000, label="Other agencies involved"),
    "immediate_risk": Answer(
        10, "choice", tuple(YES_NO), "Select yes if there is an immediate risk of harm", "Immediate risk"
    ),
}
PARENT_REQUIRED = {
    "parent_name": "Enter the parent or carer's full name",
    "parent_relationship": "Enter their relationship to the person",
    "parent_contact": "Enter the parent or carer's phone number or email address",
}


COUNCIL_REQUIRED = "Select the council area where the person lives"
ONS_CODE_RE = re.compile(r"^[ENSW][0-9]{8}$")
# Error codes of Django form fields and of REST framework serializer fields, all in one sentence: never a
# framework's default such as "This field is required." or "Object with ons_code=... does not exist.".
COUNCIL_MESSAGES = {
    key: COUNCIL_REQUIRED for key in ("required", "null", "blank", "invalid", "invalid_choice", "does_not_exist")
}
NOT_A_QUESTION = "This is not a question on the referral form"


def required_message(name: str) -> str:
    spec = ANSWERS[name]
    return spec.required or PARENT_REQUIRED.get(name) or f"Enter {spec.label.lower()}"


def too_long_message(spec: Answer) -> str:
    return f"{spec.label} must be {spec.max_length} characters or fewer"


def choice_message(spec: Answer) -> str:
    return f"Select one of the options for {spec.label.lower()}"


def not_text_message(spec: Answer) -> str:
    return f"Enter {spec.label.lower()} as text"


DATE_INVALID = "Date of birth must be a real date"
AGE_INVALID = f"Approximate age must be a whole number between 0 and {MAX_AGE}"
POSTCODE_INVALID = "Enter a real postcode"
PHONE_INVALID = "Enter a phone number, like 01632 960 001 or 07700 900 982"
EMAIL_INVALID = "Enter an email address in the correct format, like name@example.com"
CONTACT_INVALID = (
    "Enter a phone number, like 01632 960 001 or 07700 900 982, or an email address, like name@example.com"
)
_INVALID = {
    "date": DATE_INVALID,
    "age": AGE_INVALID,
    "postcode": POSTCODE_INVALID,
    "phone": PHONE_INVALID,
    "email": EMAIL_INVALID,
    "contact": CONTACT_INVALID,
}


def field_messages(name: str) -> dict[str, str]:
    """Every error code a form field or an API field of this answer can raise, mapped to its GOV.UK sentence."""
    spec = ANSWERS[name]
    required = required_message(name)
    invalid = _INVALID.get(spec.kind) or (choice_message(spec) if "choice" in spec.kind else not_text_message(spec))
    messages = {"required": required, "blank": required, "null": required, "invalid": invalid}
    messages |= {"invalid_choice": choice_message(spec), "not_a_list": choice_message(spec)}
    messages |= {"empty": required, "datetime": invalid, "date": invalid, "make_aware": invalid}
    messages |= {"min_value": invalid, "max_value": invalid, "max_string_length": invalid}
    if spec.max_length:
        messages["max_length"] = too_long_message(spec)
    return messages


# Files: the journey's upload page and the API's multipart upload (referrals.services.attachments checks them).
ATTACHMENT_TYPES = "The selected file must be a PDF, Word document, JPG, PNG or GIF"
ATTACHMENT_EMPTY = "The selected file is empty"
ATTACHMENT_UNREADABLE = "The selected file could not be uploaded – try again"
# The API takes one file per request: a second part named "file" would otherwise be dropped without a word.
ATTACHMENT_ONE_AT_A_TIME = "Send one file at a time: this request holds more than one"
# The API's "file" part is text, not a file (a form field, or a part with no file name): trying again cannot help.
ATTACHMENT_NOT_A_FILE = "Send the file as a multipart part named file, with its file name"
ATTACHMENT_MESSAGES = {
    "required": "Select a file",
    "null": "Select a file",
    "invalid": ATTACHMENT_UNREADABLE,
    "no_name": ATTACHMENT_UNREADABLE,
    "empty": ATTACHMENT_EMPTY,
    "max_length": ATTACHMENT_UNREADABLE,
}


# The storage failed (a full disk): GOV.UK's words for an upload that did not complete.
ATTACHMENT_NOT_STORED = "The selected file could not be uploaded – try again"


def attachment_too_big_message(limit: int) -> str:
    return f"The selected file must be smaller than {limit // (1024 * 1024)}MB"


def age_on(*, date_of_birth: datetime.date | None, approximate_age: str, today: datetime.date) -> int | None:
    if date_of_birth:
        years = today.year - date_of_birth.year
        return years - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))
    if approximate_age and str(approximate_age).isdigit():
        return int(approximate_age)
    return None


def is_under_18(answers: dict[str, Any]) -> bool:
    """True if the date of birth or the approximate age says the person is a child."""
    age = age_on(
        date_of_birth=answers.get("date_of_birth"),
        approximate_age=answers.get("approximate_age") or "",
        today=timezone.localdate(),
    )
    return age is not None and age < ADULT_AGE


def _check_date(value: Any) -> tuple[datetime.date | None, str]:
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return None, DATE_INVALID
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        return None, DATE_INVALID
    today = timezone.localdate()
    if value >= today:
        return None, "Date of birth must be in the past"
    if value.year < today.year - MAX_AGE:
        return None, f"Date of birth must be after {today.year - MAX_AGE}"
    return value, ""


def _check_text(spec: Answer, value: str) -> str:  # noqa: PLR0911 - one return per rule
    """Return an error message for a non-empty stripped text answer, or ""."""
    if spec.max_length and len(value) > spec.max_length:
        return too_long_message(spec)
    if spec.kind == "choice" and value not in spec.choices:
        return choice_message(spec)
    if spec.kind == "age" and (not value.isdigit() or int(value) > MAX_AGE):
        return AGE_INVALID
    if spec.kind == "postcode" and not POSTCODE_RE.match(value):
        return POSTCODE_INVALID
    if spec.kind == "phone" and not PHONE_RE.match(value):
        return PHONE_INVALID
    if spec.kind == "contact" and not CONTACT_RE.match(value):
        return CONTACT_INVALID
    if spec.kind == "email":
        try:
            validate_email(value)
        except ValidationError:
            return EMAIL_INVALID
    return ""


def _check(spec: Answer, value: Any) -> tuple[Any, str]:  # noqa: PLR0911 - one return per kind
    """Return (clean value, error message or "")."""
    if spec.kind == "date":
        return _check_date(value)
    if spec.kind == "choices":
        if not isinstance(value, list | tuple) or any(not isinstance(v, str) or v not in spec.choices for v in value):
            return None, choice_message(spec)
        return sorted(set(value)), ""
    if not isinstance(value, str) or "\x00" in value:
        return None, not_text_message(spec)
    value = value.strip()
    if not value:
        return "", ""
    message = _check_text(spec, value)
    if message:
        return None, message
    return (value.upper() if spec.kind == "postcode" else value), ""


def answers_validate(answers: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Return (clean answers, errors) for the answers given; unknown names are errors too."""
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in answers.items():
        spec = ANSWERS.get(name)
        if spec is None:
            errors[name] = [NOT_A_QUESTION]
            continue
        if value is None:
            clean[name] = None if spec.kind in {"date", "choices"} else ""
            continue
        checked, message = _check(spec, value)
        if message:
            errors[name] = [message]
        else:
            clean[name] = checked
    if clean.get("date_of_birth") and clean.get("approximate_age") and "date_of_birth" not in errors:
        # Two answers that can disagree: the age would be guessed from one and the record hold the other.
        errors["date_of_birth"] = [DATE_OF_BIRTH_OR_AGE_NOT_BOTH]
    return clean, errors


def answers_complete(answers: dict[str, Any]) -> dict[str, list[str]]:
    """Return the errors that stop a submission: required answers missing, a child without a parent or carer."""
    errors: dict[str, list[str]] = {}
    for name, spec in ANSWERS.items():
        if spec.required and not answers.get(name):
            errors[name] = [spec.required]
    if not answers.get("date_of_birth") and not answers.get("approximate_age"):
        errors["date_of_birth"] = [DATE_OF_BIRTH_OR_AGE_REQUIRED]
    elif answers.get("date_of_birth") and answers.get("approximate_age"):
        errors["date_of_birth"] = [DATE_OF_BIRTH_OR_AGE_NOT_BOTH]
    if is_under_18(answers):
        for name, message in PARENT_REQUIRED.items():
            if not answers.get(name):
                errors[name] = [message]
    return errors
