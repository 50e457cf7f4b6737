"""mash's pages. The queue keeps its place and name in the `referrals` namespace
(`referrals:referral-queue`, /referrals/queue/): config/urls.py puts these patterns before referrals' own,
so `referrals` never imports `mash` and every link to the queue stays as it was. The screening records post
to /referrals/<reference>/screening/... (the Screening section of the case page shows them)."""

from __future__ import annotations

from django.urls import path

from . import views
from .information_requests.urls import case_urlpatterns as information_request_urlpatterns
from .screening import views as screening_views

referral_urlpatterns = [
    path("queue/", views.QueueView.as_view(), name="referral-queue"),
    path("queue/assign/", views.QueueAssignView.as_view(), name="referral-queue-assign"),
    # Before referrals' "<reference>/<section>/": "assign" is a reserved section slug (referrals/sections.py).
    path("<str:reference>/assign/", views.ReferralAssignView.as_view(), name="referral-assign"),
    path(
        "<str:reference>/screening/gateway-check/",
        screening_views.GatewayCheckRecordView.as_view(),
        name="screening-gateway-check",
    ),
    path(
        "<str:reference>/screening/outcome/",
        screening_views.ScreeningOutcomeRecordView.as_view(),
        name="screening-outcome",
    ),
    path(
        "<str:reference>/screening/decision/",
        screening_views.DecisionRecordView.as_view(),
        name="screening-decision",
    ),
    *information_request_urlpatterns,
]
