"""Purge benchmark (`make bench-purge`): prints figures, asserts nothing (goal: at most 0.5 s per case).

On a throwaway PostgreSQL database (prevent_bench_purge on 127.0.0.1:5432, or BENCH_DB_NAME, created and
dropped here), BENCH_CASES cases (default 5) are each built through the services to "transferred": submitted,
screened, closed, their package built (signed, sealed) and acknowledged with CTP's receipt. Each holds 200 rows
across its tables (the referral, 20 attachments with their encrypted files, further information, user grants,
a grant, the MASH records, the transfer, the outbox row) and 20 stored files. Only `closure.services.purge.case_purge`
is timed: the one transaction that deletes every row (found through the model graph), shreds the data key and
writes the signed certificate and the tombstone with their audit events, then the unlinking of the 20 files.
Prints the median and best time per purge and the rows and files each purge deleted.
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[0] = str(REPO)  # in place of benchmarks/, whose queue.py would shadow the standard library

from benchmarks.common import HOST, PORT, database_drop, database_fresh, database_url, django_setup  # noqa: E402

DB_NAME = os.environ.get("BENCH_DB_NAME", "prevent_bench_purge")
CASES = int(os.environ.get("BENCH_CASES", "5"))
ROWS_PER_CASE = 200
FILES_PER_CASE = 20
GOAL_SECONDS = 0.5
BENCH_PASSWORD = "a-long-bench-password"  # noqa: S105 - users of a throwaway database


def _setup_django(scratch: Path) -> None:
    media = scratch / "media"
    django_setup(
        database_url(DB_NAME), REDIS_URL="", MEDIA_ROOT=str(media), ENCRYPTION_FILE_ROOT=str(media / "encrypted")
    )
    from django.conf import settings

    settings.TRANSFER_DROP_DIR = scratch / "drop"


def _people() -> dict:
    from accounts.models import LocalAuthority, Nation, Role
    from accounts.services import user_create_with_membership

    authority = LocalAuthority.objects.create(name="Bench County Council", ons_code="E10000999", nation=Nation.ENGLAND)
    roles = {
        "referrer": Role.REFERRER,
        "triage": Role.TRIAGE_OFFICER,
        "police": Role.POLICE_PREVENT_OFFICER,
        "panel": Role.PANEL_MEMBER,
    }
    return {
        key: user_create_with_membership(
            email=f"bench-{key}@bench.example.org",
            password=BENCH_PASSWORD,
            local_authority=authority,
            role=role,
        )
        for key, role in roles.items()
    }


def _transferred_case(people: dict, number: int) -> str:
    """A case of ROWS_PER_CASE rows and FILES_PER_CASE files, taken to "transferred"; returns its reference."""
    import datetime

    from django.db import transaction

    from closure.case_rows import case_rows
    from closure.receipts import receipt_build
    from closure.services import transfer_deliver, transfer_receipt_accept
    from encryption.storage import encrypted_file_save
    from mash.models import GatewayCheck
    from referrals import services
    from referrals.choices import ClosingReason
    from referrals.models import ReferralAttachment, ReferralInformation, ReferralUserObjectPermission
    from tests.referrals.factories import adult_answers

    referrer, triage = people["referrer"], people["triage"]
    draft = services.referral_draft_create(actor=referrer)
    draft = services.referral_draft_save(
        referral=draft, actor=referrer, answers=adult_answers(given_name=f"Bench{number}")
    )
    referral = services.referral_submit(referral=draft, actor=referrer)
    with transaction.atomic():
        for index in range(FILES_PER_CASE):
            content = f"%PDF-1.4 bench attachment {number}/{index} ".encode() * 200
            ref = encrypted_file_save(
                data_key=referral.data_key,
                fileobj=io.BytesIO(content),
                filename=f"{index}.pdf",
                content_type="application/pdf",
            )
            ReferralAttachment(
                referral=referral,
                added_by=referrer,
                file_ref=ref,
                content_type="application/pdf",
                size=len(content),
                filename=f"{index}.pdf",
            ).save(force_insert=True)
    referral = services.referral_start_screening(referral=referral, actor=triage)
    GatewayCheck.objects.create(referral=referral, recorded_by=people["police"], counter_terrorism=False, note="Bench.")
    ReferralUserObjectPermission.objects.create(
        content_object=referral,
        user=people["panel"],
        permission_id=_view_permission(),
        granted_by=triage,
        expires_at=referral.created_at + datetime.timedelta(days=1),
        reason_code="other",
    )
    referral = services.referral_close(
        referral=referral, actor=triage, reason_code=ClosingReason.NFA_NO_CONCERN, summary="Closed in the benchmark."
    )
    present = sum(len(pks) for pks in case_rows(referral.pk).ids.values()) + 1  # + the transfer's outbox row
    ReferralInformation.objects.bulk_create(
        ReferralInformation(referral=referral, added_by=referrer, text=f"Further information {index}.")
        for index in range(ROWS_PER_CASE - present)
    )
    transfer = transfer_deliver(transfer_id=referral.transfer.pk)
    receipt = receipt_build(
        signing_key=b"r" * 32,  # config/settings/test.py: CTP_SIGNING_PUBLIC_KEY is this seed's public key
        package_id=str(transfer.package_id),
        package_sha256=transfer.package_sha256,
        case_reference=referral.reference,
        received_at="2026-11-28T12:00:00+00:00",
    )
    transfer_receipt_accept(data=receipt, actor=None, via="command")
    return referral.reference


def _view_permission() -> int:
    from django.contrib.auth.models import Permission

    return Permission.objects.get(codename="view_referral", content_type__app_label="referrals").pk


def main() -> None:
    database_fresh(DB_NAME)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-purge-") as scratch:
            _setup_django(Path(scratch))
            from closure.services.purge import case_purge

            people = _people()
            timings, rows, files = [], [], []
            for number in range(CASES):
                reference = _transferred_case(people, number)
                started = time.perf_counter()
                certificate = case_purge(reference=reference, actor=None, via="schedule")
                timings.append(time.perf_counter() - started)
                rows.append(certificate.rows_total)
                files.append(certificate.files_deleted)
            median = statistics.median(timings)
            print(f"Purge of one case ({CASES} cases, PostgreSQL {HOST}:{PORT}/{DB_NAME}):")
            print(f"  rows deleted per case: {sorted(set(rows))}; stored files deleted per case: {sorted(set(files))}")
            print(
                f"  median {median * 1000:.1f} ms, best {min(timings) * 1000:.1f} ms, "
                f"worst {max(timings) * 1000:.1f} ms"
            )
            print(f"  goal: at most {GOAL_SECONDS * 1000:.0f} ms ({'met' if median <= GOAL_SECONDS else 'NOT met'})")
    finally:
        database_drop(DB_NAME)


if __name__ == "__main__":
    main()
