"""The Channel steps of a case: one URL per step, the case reference in the URL (STYLE.md)."""

from __future__ import annotations

from django.urls import path

from . import views
from .meetings.urls import urlpatterns as meeting_urlpatterns

app_name = "channel"

urlpatterns = [
    path("", views.ChannelCaseListView.as_view(), name="case-list"),
    *meeting_urlpatterns,
    path("<str:reference>/<slug:transition>/", views.ChannelStepView.as_view(), name="case-step"),
]
