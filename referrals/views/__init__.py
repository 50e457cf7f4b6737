"""Thin views of the referrals app, split by who uses them."""

from __future__ import annotations

from .grants import (
    BreakGlassStartView,
    ReferralAccessReportView,
    ReferralBreakGlassView,
    ReferralGrantRevokeView,
    ReferralGrantsView,
)
from .journey import (
    ReferralAttachmentRemoveView,
    ReferralCheckView,
    ReferralResumeView,
    ReferralStartView,
    ReferralStepView,
)
from .referrer import MyReferralsView, ReferralConfirmationView, ReferralInformationAddView
from .staff import ReferralAttachmentDownloadView, ReferralDetailView, ReferralTransitionView

__all__ = [
    "BreakGlassStartView",
    "ReferralBreakGlassView",
    "ReferralGrantRevokeView",
    "ReferralGrantsView",
    "ReferralAccessReportView",
    "MyReferralsView",
    "ReferralAttachmentDownloadView",
    "ReferralAttachmentRemoveView",
    "ReferralCheckView",
    "ReferralConfirmationView",
    "ReferralDetailView",
    "ReferralInformationAddView",
    "ReferralResumeView",
    "ReferralStartView",
    "ReferralStepView",
    "ReferralTransitionView",
]
