"""Seed the load benchmark's database (run by benchmarks/load.py with benchmarks.load.seed_settings).

The demo seeds (users of every role in two councils, cases in every stage, a panel and its meetings,
information requests), then BENCH_LOAD_CASES cases written in bulk as benchmarks/queue.py writes them
(empty ciphertext: listed on the queue and in searches, never opened), then the sessions and API token
the simulated people use. Writes what the locustfile needs to a JSON file (argv[1]).
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from pathlib import Path

SESSIONS_PER_ROLE = 12
# Partners answer requests in the mix: PARTNERS contributors of the demo partner's organisation (the
# demo partner among them), each with REQUESTS_PER_PARTNER open requests made through the service.
PARTNERS = 12
REQUESTS_PER_PARTNER = 20


def _session(user, device) -> str:
    """A signed-in, second-factor-verified session, as sign-in leaves it; returns its key."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts.middleware import SESSION_LAST_SEEN, SESSION_STARTED_AT, SESSION_TOKEN

    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    now = int(time.time())
    session[SESSION_STARTED_AT] = now
    session[SESSION_LAST_SEEN] = now
    session[SESSION_TOKEN] = str(user.session_token)
    session.save()
    return session.session_key


def _partners(partner, authority, device_model) -> list:
    """The demo partner and PARTNERS - 1 more of their organisation, each with open requests to answer."""
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from accounts.models import Role
    from accounts.services.users import user_create_with_membership
    from mash.information_requests.services import information_request_create
    from mash.models import InformationRequest

    # A demo request still in time (the demo's overdue one is past its due date, which a new request may not be).
    asked = (
        InformationRequest.objects.filter(addressee=partner, status="open", due_on__gte=timezone.localdate())
        .select_related("referral")
        .first()
    )
    organisation = partner.membership.organisation
    partners = [partner]
    for number in range(1, PARTNERS):
        extra = user_create_with_membership(
            email=f"bench-partner-{number}@bench.example.org",
            password=get_random_string(24),
            local_authority=authority,
            role=Role.PARTNER_CONTRIBUTOR,
            organisation=organisation,
        )
        device_model.objects.create(user=extra, name="Bench authenticator", confirmed=True)
        partners.append(extra)
    for addressee in partners:
        for _ in range(REQUESTS_PER_PARTNER):
            information_request_create(
                referral=asked.referral,
                actor=asked.created_by,
                organisation=organisation,
                addressee=addressee,
                question="Is this person known to your service? (load benchmark)",
                due_on=asked.due_on,
            )
    return partners


def main(out: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils.crypto import get_random_string
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import Role
    from accounts.services import api_token_create
    from benchmarks.common import bulk_cases_fill, demo_councils_and_users
    from channel.models import Meeting
    from referrals.models import Referral
    from tests.referrals.factories import adult_answers
    from tests.referrals.test_api import _json
    from tests.referrals.test_journey import PAGES

    for command in ("seed_demo", "seed_demo_referrals", "seed_demo_mash", "seed_demo_channel", "seed_demo_closure"):
        call_command(command, verbosity=0)
    authorities, users = demo_councils_and_users()
    real = list(
        Referral.objects.filter(local_authority=authorities[0])
        .exclude(status="draft")
        .values_list("reference", flat=True)
    )
    bulk_cases_fill(authorities, users, int(os.environ.get("BENCH_LOAD_CASES", "10000")))

    sessions = {}
    for role in Role:
        user = users[(0, role)]
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        sessions[role.value] = [_session(user, device) for _ in range(SESSIONS_PER_ROLE)]
    partner = users[(0, Role.PARTNER_CONTRIBUTOR)]
    # One session per partner: each simulated partner answers their own requests, never another's.
    sessions[Role.PARTNER_CONTRIBUTOR.value] = [
        _session(person, TOTPDevice.objects.filter(user=person, confirmed=True).first())
        for person in _partners(partner, authorities[0], TOTPDevice)
    ]
    chair = users[(0, Role.CHANNEL_CHAIR)]
    targets = {
        "csrf": get_random_string(32),
        "sessions": sessions,
        "api_token": api_token_create(user=users[(0, Role.REFERRER)])[1],
        "api_body": _json(adult_answers(given_name="Load")),
        "journey": [[slug, data or {"local_authority": str(authorities[0].pk)}] for slug, data in PAGES],
        "cases": real,
        "bulk_cases": list(
            Referral.objects.filter(local_authority=authorities[0], reference__startswith="PRV-B-")
            .order_by("?")
            .values_list("reference", flat=True)[:200]
        ),
        "meetings": list(Meeting.objects.filter(panel__local_authority=authorities[0]).values_list("pk", flat=True)),
        "chair": chair.pk,
        "seed": str(uuid.uuid4()),
        "counts": {"cases": Referral.objects.count()},
    }
    out.write_text(json.dumps(targets))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
