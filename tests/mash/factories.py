"""Information requests for tests: reached through the services, or written directly for the states they refuse."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.utils import timezone

from accounts.models import LocalAuthority, Organisation, Role
from accounts.services import user_create_with_membership
from mash.calendar import is_working_day
from mash.information_requests import services
from mash.information_requests.grants import VIEW_PERMISSION
from mash.models import InformationRequest, InformationRequestAttachment, InformationRequestUserObjectPermission
from tests.conftest import TEST_PASSWORD

QUESTION = "Is Zephyrine-Canary known to your service? Canary question 41c2"


def next_working_day(local_authority: LocalAuthority, start: datetime.date | None = None) -> datetime.date:
    """The first working day after `start` (today by default) in the council's nation."""
    day = (start or timezone.localdate()) + datetime.timedelta(days=1)
    while not is_working_day(day, local_authority.nation):
        day += datetime.timedelta(days=1)
    return day


def organisation_in(local_authority: LocalAuthority, name: str = "Northshire NHS Trust") -> Organisation:
    return Organisation.objects.get_or_create(
        name=name, local_authority=local_authority, defaults={"sector": "health"}
    )[0]


def partner_in(local_authority: LocalAuthority, organisation: Organisation, prefix: str = "") -> Any:
    return user_create_with_membership(
        email=f"{prefix}partner@trust.example.org",
        password=TEST_PASSWORD,
        local_authority=local_authority,
        role=Role.PARTNER_CONTRIBUTOR,
        organisation=organisation,
        display_name=f"{prefix}Pat Partner",
    )


def open_request(
    *, referral: Any, triage: Any, partner: Any, due_on: datetime.date | None = None
) -> InformationRequest:
    """An open request made through the service (the case must be in information gathering)."""
    return services.information_request_create(
        referral=referral,
        actor=triage,
        organisation=partner.membership.organisation,
        addressee=partner,
        question=QUESTION,
        due_on=due_on or next_working_day(referral.local_authority),
    )


def request_row(
    *, referral: Any, created_by: Any, addressee: Any, organisation: Organisation, grant_for: datetime.timedelta | None
) -> InformationRequest:
    """A request written directly at any stage of its case, with a file and (unless None) a grant lasting
    `grant_for` from now (negative: run out): the access matrix needs states the services refuse to reach."""
    from django.contrib.auth.models import Permission

    from encryption.storage import encrypted_file_save

    information_request = InformationRequest(
        referral=referral,
        organisation=organisation,
        addressee=addressee,
        created_by=created_by,
        question=QUESTION,
        due_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    information_request.save(force_insert=True)
    ref = encrypted_file_save(
        data_key=referral.data_key,
        fileobj=io.BytesIO(b"%PDF-1.4 answer"),
        filename="answer.pdf",
        content_type="application/pdf",
    )
    InformationRequestAttachment(
        request=information_request,
        added_by=addressee,
        file_ref=ref,
        content_type="application/pdf",
        size=15,
        filename="answer.pdf",
    ).save(force_insert=True)
    if grant_for is not None:
        InformationRequestUserObjectPermission.objects.create(
            user=addressee,
            permission=Permission.objects.get(content_type__app_label="mash", codename=VIEW_PERMISSION),
            content_object=information_request,
            expires_at=timezone.now() + grant_for,
            granted_by=created_by,
        )
    return information_request
