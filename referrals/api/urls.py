from __future__ import annotations

from django.urls import path
from django.views.decorators.common import no_append_slash
from drf_spectacular.views import SpectacularAPIView

from .docs import ApiDocsView
from .views import ReferralAttachmentAddApi, ReferralCreateApi, ReferralStatusApi

app_name = "api"

# No redirect to the address with a slash: a client that follows it would send its POST again as a GET
# (without its body) and be told GET is not allowed. A JSON 404 names the address instead (config.views).
urlpatterns = [
    path("v1/referrals/", no_append_slash(ReferralCreateApi.as_view()), name="referral-create"),
    path("v1/referrals/<str:reference>/status/", no_append_slash(ReferralStatusApi.as_view()), name="referral-status"),
    path(
        "v1/referrals/<str:reference>/attachments/",
        no_append_slash(ReferralAttachmentAddApi.as_view()),
        name="referral-attachment-add",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", ApiDocsView.as_view(), name="docs"),
]
