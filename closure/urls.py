"""The closure app's pages: one URL per action, the case reference in the URL (STYLE.md)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "closure"

urlpatterns = [
    path("transfers/", views.TransferListView.as_view(), name="transfer-list"),
    path("certificates/", views.CertificateListView.as_view(), name="certificate-list"),
    path("certificates/<str:reference>/", views.CertificateDetailView.as_view(), name="certificate-detail"),
    path("<str:reference>/receipt/", views.TransferReceiptView.as_view(), name="transfer-receipt"),
    path("<str:reference>/purge/", views.CasePurgeView.as_view(), name="case-purge"),
]
