from __future__ import annotations

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from .docs import ApiDocsView
from .views import ReferralAttachmentAddApi, ReferralCreateApi, ReferralStatusApi

app_name = "api"

urlpatterns = [
    path("v1/referrals/", ReferralCreateApi.as_view(), name="referral-create"),
    path("v1/referrals/<str:reference>/status/", ReferralStatusApi.as_view(), name="referral-status"),
    path(
        "v1/referrals/<str:reference>/attachments/",
        ReferralAttachmentAddApi.as_view(),
        name="referral-attachment-add",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", ApiDocsView.as_view(), name="docs"),
]
