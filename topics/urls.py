from django.urls import path

from . import views

app_name = "topics"

urlpatterns = [
    path("", views.topic_list, name="topic_list"),
    path("new/", views.topic_submit, name="topic_submit"),
    path("record/", views.topic_record_choose, name="topic_record_choose"),
    path("record/<int:resident_pk>/", views.topic_record, name="topic_record"),
    path("reminders/", views.reminder_toggle, name="reminder_toggle"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/<int:pk>/resolve/", views.report_resolve, name="report_resolve"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("comments/<int:pk>/hide/", views.comment_hide, name="comment_hide"),
    path("comments/<int:pk>/report/", views.comment_report, name="comment_report"),
    path("<int:pk>/", views.topic_detail, name="topic_detail"),
    path("<int:pk>/edit/", views.topic_edit, name="topic_edit"),
    path("<int:pk>/withdraw/", views.topic_withdraw, name="topic_withdraw"),
    path("<int:pk>/endorse/", views.topic_endorse, name="topic_endorse"),
    path("<int:pk>/comments/", views.comment_create, name="comment_create"),
    path(
        "<int:pk>/consultations/",
        views.consultation_create,
        name="consultation_create",
    ),
]
