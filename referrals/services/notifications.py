"""Notifications about a referral, run from the outbox (core.services) after the change has committed."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from audit import services as audit
from audit.actions import AuditAction
from core.services import outbox_enqueue
from referrals.models import Referral

MASH_NOTIFY = "referrals.mash_notify"


def referral_mash_notify_enqueue(referral: Referral) -> bool:
    """In the submit transaction: record that the MASH inbox must hear of the referral; False if it has none."""
    if not referral.local_authority.mash_email:
        return False
    outbox_enqueue(topic=MASH_NOTIFY, object_id=referral.pk)
    return True


def referral_mash_notify(referral_id: uuid.UUID) -> None:
    """E-mail the MASH inbox the reference and a link only, and record it; raise if the mail is not sent.

    A referral gone since (purged) needs no e-mail. Sending twice after a crash between the mail
    and the commit is possible and harmless: the e-mail holds nothing but the reference and the link.
    """
    referral = (
        Referral.objects.select_related("local_authority")
        .only("id", "reference", "status", "local_authority_id", "local_authority__mash_email")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None or not referral.local_authority.mash_email:
        return
    link = settings.SERVICE_BASE_URL.rstrip("/") + reverse("referrals:referral-detail", args=[referral.reference])
    send_mail(
        subject=f"New Prevent referral {referral.reference}",
        message=f"A new Prevent referral, {referral.reference}, has been submitted.\n\nView it: {link}\n",
        from_email=None,
        recipient_list=[referral.local_authority.mash_email],
        fail_silently=False,
    )
    audit.record(actor=None, action=AuditAction.REFERRAL_MASH_NOTIFIED, target=referral, details={"sent": True})
