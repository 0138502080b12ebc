from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("c/<slug:community>/reports/", views.dashboard, name="dashboard"),
    path(
        "c/<slug:community>/reports/meetings/<int:pk>/",
        views.meeting_figures,
        name="meeting_figures",
    ),
    path("c/<slug:community>/reports/exports/", views.exports, name="exports"),
    path(
        "c/<slug:community>/reports/exports/<int:pk>/",
        views.export_detail,
        name="export_detail",
    ),
    path(
        "c/<slug:community>/reports/exports/<int:pk>/progress/",
        views.export_progress,
        name="export_progress",
    ),
    path(
        "c/<slug:community>/reports/exports/<int:pk>/download/",
        views.export_download,
        name="export_download",
    ),
    path("c/<slug:community>/reports/calendar/", views.calendar, name="calendar"),
    path(
        "c/<slug:community>/reports/calendar/reset/",
        views.calendar_reset,
        name="calendar_reset",
    ),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("d/<int:district>/reports/", views.district, name="district"),
    path(
        "d/<int:district>/reports/<slug:community>/",
        views.district_community,
        name="district_community",
    ),
]
