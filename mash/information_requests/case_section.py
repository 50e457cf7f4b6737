"""The case page's "Information requests" section, its summary row and its history phrases, registered from
mash's AppConfig.ready() through referrals.sections (referrals never imports mash)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accounts.models import Organisation
from referrals import sections

from .forms import InformationRequestForm
from .permissions import can_create_request, can_manage_request, can_see_requests
from .selectors import information_request_counts, information_request_list_for_case

SLUG = "information-requests"


def _context(referral: Any, user: Any) -> dict[str, Any]:
    today = timezone.localdate()
    requests = information_request_list_for_case(referral=referral, user=user)
    return {
        "information_requests": [
            {
                "request": information_request,
                "overdue": information_request.is_overdue(today),
                "can_manage": can_manage_request(information_request, user),
            }
            for information_request in requests
        ],
        "can_create_request": can_create_request(referral, user),
        "request_form": InformationRequestForm(referral=referral) if can_create_request(referral, user) else None,
    }


def _summary(referral: Any, user: Any) -> str | None:
    if not can_see_requests(referral, user):
        return None
    open_count, overdue = information_request_counts(referral=referral)
    if not open_count:
        return None
    waiting = f"{open_count} waiting for an answer"
    return f"{waiting}, {overdue} overdue" if overdue else waiting


def _organisation(event: Any) -> str:
    organisation_id = (event.details or {}).get("organisation_id")
    name = Organisation.objects.filter(pk=organisation_id).values_list("name", flat=True).first()
    return name or "a partner organisation"


def _person(names: dict[int, str], user_id: Any) -> str:
    return names.get(user_id, "a former user") if isinstance(user_id, int) else "a partner contributor"


CHASE_WHEN = {
    "by_hand": "Sent by hand.",
    "before_due": "Sent automatically the working day before the due date.",
    "after_due": "Sent automatically: the answer is overdue.",
}

PHRASES = {
    "INFORMATION_REQUEST_CREATED": lambda event, names: (
        f"Information requested from {_organisation(event)}",
        f"Sent to {_person(names, (event.details or {}).get('addressee_id'))}.",
    ),
    "INFORMATION_REQUEST_ANSWERED": lambda event, names: (f"Information received from {_organisation(event)}", ""),
    "INFORMATION_REQUEST_DECLINED": lambda event, names: (
        f"{_organisation(event)} declined the information request",
        "",
    ),
    "INFORMATION_REQUEST_CHASED": lambda event, names: (
        f"Reminder sent to {_organisation(event)}",
        CHASE_WHEN.get((event.details or {}).get("when"), ""),
    ),
    "INFORMATION_REQUEST_WITHDRAWN": lambda event, names: (
        f"Information request to {_organisation(event)} withdrawn",
        "",
    ),
    "INFORMATION_REQUEST_EXPIRED": lambda event, names: (
        f"Information request to {_organisation(event)} expired unanswered",
        "",
    ),
    # The e-mails and the end of the partner's access are for the auditor's pages.
    "INFORMATION_REQUEST_NOTIFIED": lambda event, names: None,
    "INFORMATION_REQUEST_ACCESS_ENDED": lambda event, names: None,
}


def register() -> None:
    sections.register(
        sections.CaseSection(
            SLUG, "Information requests", 40, "mash/sections/information_requests.html", _context, can_see_requests
        )
    )
    sections.register_summary_item(sections.SummaryItem("information-requests", "Information requests", 60, _summary))
    for action, phrase in PHRASES.items():
        sections.register_history_phrase(action, phrase)
