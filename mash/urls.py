"""mash's pages. The queue keeps its place and name in the `referrals` namespace
(`referrals:referral-queue`, /referrals/queue/): config/urls.py puts these patterns before referrals' own,
so `referrals` never imports `mash` and every link to the queue stays as it was."""

from __future__ import annotations

from django.urls import path

from . import views

referral_urlpatterns = [
    path("queue/", views.QueueView.as_view(), name="referral-queue"),
    path("queue/assign/", views.QueueAssignView.as_view(), name="referral-queue-assign"),
    # Before referrals' "<reference>/<section>/": "assign" is a reserved section slug (referrals/sections.py).
    path("<str:reference>/assign/", views.ReferralAssignView.as_view(), name="referral-assign"),
]
