from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.AuditSearchView.as_view(), name="event-search"),
    path("search.csv", views.AuditSearchExportView.as_view(), name="event-export"),
    path("cases/<str:reference>/access/", views.CaseAccessReportView.as_view(), name="case-access"),
    path("users/<int:user_id>/activity/", views.UserActivityView.as_view(), name="user-activity"),
]
