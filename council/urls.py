from django.urls import path

from . import views

app_name = "council"

urlpatterns = [
    path("", views.council_home, name="council"),
    path("rules/", views.charter_edit, name="charter_edit"),
    path("seat-kinds/", views.seat_kinds_edit, name="seat_kinds_edit"),
    path("seats/assign/", views.seat_assign, name="seat_assign"),
    path("seats/<int:pk>/end/", views.seat_end, name="seat_end"),
    path("seats/<int:pk>/replace/", views.seat_replace, name="seat_replace"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_page, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path(
        "meetings/<int:pk>/do/<slug:action>/",
        views.meeting_action,
        name="meeting_action",
    ),
    path("meetings/<int:pk>/items/add/", views.agenda_item_add, name="agenda_item_add"),
    path(
        "meetings/<int:pk>/items/<int:item>/",
        views.agenda_item_page,
        name="agenda_item",
    ),
    path(
        "meetings/<int:pk>/items/<int:item>/move/",
        views.agenda_item_move,
        name="agenda_item_move",
    ),
    path(
        "meetings/<int:pk>/items/<int:item>/remove/",
        views.agenda_item_remove,
        name="agenda_item_remove",
    ),
    path(
        "meetings/<int:pk>/items/<int:item>/invite/",
        views.invitation_create,
        name="invitation_create",
    ),
    path(
        "invitations/<int:pk>/reply/",
        views.invitation_respond,
        name="invitation_respond",
    ),
    path("review/", views.triage_index, name="triage_index"),
    path("meetings/<int:pk>/triage/", views.triage_page, name="triage"),
    path(
        "meetings/<int:pk>/triage/<int:topic_pk>/",
        views.triage_action,
        name="triage_action",
    ),
    path(
        "meetings/<int:pk>/items/<int:item>/invite-consulted/",
        views.invite_consulted,
        name="invite_consulted",
    ),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path(
        "meetings/<int:pk>/attendance/mark/",
        views.attendance_mark,
        name="attendance_mark",
    ),
    path(
        "meetings/<int:pk>/attendance/add/",
        views.attendance_add_observer,
        name="attendance_add",
    ),
    path("meetings/<int:pk>/quorum/", views.quorum_partial, name="quorum"),
    path("meetings/<int:pk>/qr/", views.check_in_qr, name="check_in_qr"),
    path(
        "meetings/<int:pk>/check-in/<str:token>/",
        views.self_check_in,
        name="self_check_in",
    ),
    path("meetings/<int:pk>/meeting.ics", views.meeting_ics_view, name="meeting_ics"),
    path("meetings/<int:pk>/print/", views.meeting_print, name="meeting_print"),
]
