from django.urls import path

from . import assurance_views, views

app_name = "benchmarking"

urlpatterns = [
    path("", views.ReportView.as_view(), name="report"),
    path("download/", views.DownloadView.as_view(), name="download"),
    # The toolkit self-assessment and the Channel assurance statement (issue 16 point 3).
    path("self-assessment/", assurance_views.SelfAssessmentView.as_view(), name="self-assessment"),
    path(
        "self-assessment/<int:year>/section/<int:number>/",
        assurance_views.SelfAssessmentSectionView.as_view(),
        name="self-assessment-section",
    ),
    path("assurance-statement/", assurance_views.AssuranceStatementView.as_view(), name="assurance-statement"),
    path(
        "assurance-statement/<int:year>/area/<slug:area>/",
        assurance_views.AssuranceAreaView.as_view(),
        name="assurance-area",
    ),
    path(
        "assurance-statement/<int:year>/submit/",
        assurance_views.AssuranceSubmitView.as_view(),
        name="assurance-submit",
    ),
    path("assurance/download/", assurance_views.AssuranceDownloadView.as_view(), name="assurance-download"),
]
