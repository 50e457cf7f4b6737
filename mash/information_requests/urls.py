"""The partner's pages, /requests/ (namespace `requests`): a request URL names the request, never the case.

The triage officer's actions on a case's requests sit under the case's URL, in the `referrals` namespace
(`case_urlpatterns`, composed by mash/urls.py), so the case's visibility check comes first."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "requests"

urlpatterns = [
    path("", views.RequestListView.as_view(), name="request-list"),
    path("<uuid:request_id>/", views.RequestAnswerView.as_view(), name="request-detail"),
    path("<uuid:request_id>/decline/", views.RequestDeclineView.as_view(), name="request-decline"),
]

case_urlpatterns = [
    path(
        "<str:reference>/information-requests/new/",
        views.InformationRequestCreateView.as_view(),
        name="information-request-create",
    ),
    path(
        "<str:reference>/information-requests/<uuid:request_id>/chase/",
        views.InformationRequestChaseView.as_view(),
        name="information-request-chase",
    ),
    path(
        "<str:reference>/information-requests/<uuid:request_id>/withdraw/",
        views.InformationRequestWithdrawView.as_view(),
        name="information-request-withdraw",
    ),
    path(
        "<str:reference>/information-requests/<uuid:request_id>/files/<uuid:file_id>/",
        views.InformationRequestFileView.as_view(),
        name="information-request-file",
    ),
]
