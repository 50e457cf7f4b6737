from __future__ import annotations

from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.MyReferralsView.as_view(), name="my-referrals"),
    path("start/", views.ReferralStartView.as_view(), name="start"),
    path("break-glass/", views.BreakGlassStartView.as_view(), name="break-glass-start"),
    path("draft/<uuid:draft_id>/", views.ReferralResumeView.as_view(), name="draft-resume"),
    path("draft/<uuid:draft_id>/check/", views.ReferralCheckView.as_view(), name="draft-check"),
    path(
        "draft/<uuid:draft_id>/attachments/<uuid:attachment_id>/remove/",
        views.ReferralAttachmentRemoveView.as_view(),
        name="draft-attachment-remove",
    ),
    path("draft/<uuid:draft_id>/<slug:step>/", views.ReferralStepView.as_view(), name="draft-step"),
    path("<str:reference>/", views.ReferralDetailView.as_view(), name="referral-detail"),
    path("<str:reference>/confirmation/", views.ReferralConfirmationView.as_view(), name="referral-confirmation"),
    path(
        "<str:reference>/add-information/", views.ReferralInformationAddView.as_view(), name="referral-add-information"
    ),
    path(
        "<str:reference>/attachments/<uuid:attachment_id>/",
        views.ReferralAttachmentDownloadView.as_view(),
        name="referral-attachment",
    ),
    path(
        "<str:reference>/actions/<slug:transition>/", views.ReferralTransitionView.as_view(), name="referral-transition"
    ),
    path("<str:reference>/access/", views.ReferralGrantsView.as_view(), name="referral-grants"),
    path(
        "<str:reference>/access/<int:grant_id>/revoke/",
        views.ReferralGrantRevokeView.as_view(),
        name="referral-grant-revoke",
    ),
    path("<str:reference>/access-report/", views.ReferralAccessReportView.as_view(), name="referral-access-report"),
    path("<str:reference>/break-glass/", views.ReferralBreakGlassView.as_view(), name="referral-break-glass"),
    # Last: a section of the case page (Documents, History, and those other apps register; referrals/sections.py).
    path("<str:reference>/<slug:section>/", views.ReferralDetailView.as_view(), name="referral-section"),
]
