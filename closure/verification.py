"""What of a purged case is still anywhere (verify_purge): rows by the case's id in every case table, rows
naming it by id, its data key, its stored files, files named after it, cache and Redis keys."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from core.models import OutboxMessage
from encryption.models import DataKey
from referrals.models import Referral

from . import leftovers
from .case_rows import _generic_references, case_models
from .certificate import certificate_verify
from .models import PurgeCertificate


def _rows_remaining(certificate: PurgeCertificate) -> list[str]:
    case_id, reference = certificate.case_id, certificate.reference
    remains: list[str] = []
    if Referral.objects.filter(reference=reference).exists():
        remains.append(f"a referral row with the reference {reference}")
    for model, lookup in case_models():
        count = model._default_manager.filter(**{lookup: case_id}).count()
        if count:
            remains.append(f"{count} row(s) of {model._meta.label} (table {model._meta.db_table})")
    referral_type = ContentType.objects.get_for_model(Referral)
    for model, ct_field, id_field in _generic_references():
        count = model._default_manager.filter(**{ct_field: referral_type, id_field: str(case_id)}).count()
        if count:
            remains.append(f"{count} row(s) of {model._meta.label} naming the case")
    outbox = OutboxMessage.objects.filter(object_id=str(case_id)).count()
    if outbox:
        remains.append(f"{outbox} outbox message(s) about the case")
    key = DataKey.objects.filter(pk=certificate.data_key_id).first()
    if key is not None and (key.wrapped_key is not None or key.shredded_at is None):
        remains.append("the case's data key is not shredded")
    return remains


def purge_remains(certificate: PurgeCertificate) -> list[str]:
    """One line per thing of the case that remains; empty when the purge is complete."""
    remains = [] if certificate_verify(certificate) else ["the certificate's signature does not verify"]
    remains += _rows_remaining(certificate)
    for ref in leftovers.stored_files_left(certificate.file_refs):
        remains.append(f"the stored file {ref}")
    needles = [str(certificate.case_id), certificate.reference]
    for path in leftovers.media_files_naming(needles):
        remains.append(f"the file {path}")
    for key_name in leftovers.redis_keys_naming(needles):
        remains.append(f"the Redis key {key_name}")
    return remains
