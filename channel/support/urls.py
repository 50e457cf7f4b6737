"""Channel support's pages, included into channel's URLs (namespace "channel") before the step URL, whose
two-segment pattern would otherwise take "provider/<id>/"."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("provider/", views.ProviderHomeView.as_view(), name="provider-home"),
    path("provider/<uuid:intervention_id>/", views.ProviderInterventionView.as_view(), name="provider-intervention"),
    path("<str:reference>/support/vaf/", views.VAFAssessmentCreateView.as_view(), name="vaf-assessment-create"),
    path("<str:reference>/support/consent/", views.ConsentRecordView.as_view(), name="consent-record"),
    path(
        "<str:reference>/support/interventions/new/",
        views.InterventionCreateView.as_view(),
        name="intervention-create",
    ),
    path(
        "<str:reference>/support/interventions/<uuid:intervention_id>/start/",
        views.InterventionStartView.as_view(),
        name="intervention-start",
    ),
    path(
        "<str:reference>/support/interventions/<uuid:intervention_id>/end/",
        views.InterventionEndView.as_view(),
        name="intervention-end",
    ),
    path(
        "<str:reference>/support/interventions/<uuid:intervention_id>/sessions/",
        views.InterventionSessionCreateView.as_view(),
        name="intervention-session-create",
    ),
    path(
        "<str:reference>/support/post-exit-review/",
        views.PostExitReviewRecordView.as_view(),
        name="post-exit-review-record",
    ),
]
