from django.urls import path

from . import views

app_name = "benchmarking"

urlpatterns = [
    path("", views.ReportView.as_view(), name="report"),
    path("download/", views.DownloadView.as_view(), name="download"),
]
