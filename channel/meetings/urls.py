"""The panel and meeting pages (included by channel/urls.py): ids name panels and meetings, the case
reference names a case on the agenda."""

from __future__ import annotations

from django.urls import path

from . import panel_views, views

urlpatterns = [
    path("panels/", views.PanelListView.as_view(), name="panel-list"),
    path("panels/new/", panel_views.PanelCreateView.as_view(), name="panel-create"),
    path("panels/<int:panel_id>/", views.PanelDetailView.as_view(), name="panel-detail"),
    path("panels/<int:panel_id>/members/add/", panel_views.PanelMemberAddView.as_view(), name="panel-member-add"),
    path(
        "panels/<int:panel_id>/members/<int:member_id>/remove/",
        panel_views.PanelMemberRemoveView.as_view(),
        name="panel-member-remove",
    ),
    path("panels/<int:panel_id>/meetings/new/", views.MeetingCreateView.as_view(), name="meeting-create"),
    path("meetings/<int:meeting_id>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path("meetings/<int:meeting_id>/date/", views.MeetingDateView.as_view(), name="meeting-date"),
    path("meetings/<int:meeting_id>/attendance/", views.AttendanceView.as_view(), name="meeting-attendance"),
    path("meetings/<int:meeting_id>/record/", views.MeetingRecordView.as_view(), name="meeting-record"),
    path("meetings/<int:meeting_id>/agenda/", views.AgendaAddView.as_view(), name="agenda-add"),
    path("meetings/<int:meeting_id>/cases/<str:reference>/", views.AgendaItemView.as_view(), name="agenda-item"),
    path("meetings/<int:meeting_id>/cases/<str:reference>/move/", views.AgendaMoveView.as_view(), name="agenda-move"),
    path(
        "meetings/<int:meeting_id>/cases/<str:reference>/remove/",
        views.AgendaRemoveView.as_view(),
        name="agenda-remove",
    ),
    path(
        "meetings/<int:meeting_id>/cases/<str:reference>/views/", views.AgendaViewsView.as_view(), name="agenda-views"
    ),
    path(
        "meetings/<int:meeting_id>/cases/<str:reference>/decision/",
        views.AgendaDecisionView.as_view(),
        name="agenda-decision",
    ),
    path(
        "meetings/<int:meeting_id>/cases/<str:reference>/minutes/",
        views.AgendaMinutesView.as_view(),
        name="agenda-minutes",
    ),
]
