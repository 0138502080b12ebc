from django.urls import path

from . import minutes_views, views

app_name = "outcomes"

urlpatterns = [
    path("", views.outcome_list, name="outcomes"),
    path("<int:pk>/", views.outcome_detail, name="outcome"),
    path("record/<int:item>/", views.outcome_record, name="outcome_record"),
    path("<int:pk>/edit/", views.outcome_edit, name="outcome_edit"),
    path("<int:pk>/actions/add/", views.action_add, name="action_add"),
    path("<int:pk>/actions/<int:item>/edit/", views.action_edit, name="action_edit"),
    path(
        "<int:pk>/actions/<int:item>/update/", views.action_update, name="action_update"
    ),
    path(
        "<int:pk>/actions/<int:item>/updates/",
        views.action_updates,
        name="action_updates",
    ),
    path("<int:pk>/needs/add/", views.need_add, name="need_add"),
    path("<int:pk>/needs/<int:need>/pledge/", views.pledge, name="pledge"),
    path(
        "<int:pk>/needs/<int:need>/record/", views.pledge_record, name="pledge_record"
    ),
    path(
        "<int:pk>/pledges/<int:pledge_pk>/receive/",
        views.pledge_receive,
        name="pledge_receive",
    ),
    path(
        "<int:pk>/pledges/<int:pledge_pk>/withdraw/",
        views.pledge_withdraw,
        name="pledge_withdraw",
    ),
    path("<int:pk>/rate/", views.rate, name="rate"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("minutes/<int:meeting>/", minutes_views.minutes_page, name="minutes"),
    path(
        "minutes/<int:meeting>/v<int:number>/",
        minutes_views.minutes_version,
        name="minutes_version",
    ),
    path(
        "minutes/<int:meeting>/correct/",
        minutes_views.minutes_correct,
        name="minutes_correct",
    ),
    path(
        "minutes/<int:meeting>/confirm/",
        minutes_views.minutes_confirm,
        name="minutes_confirm",
    ),
    path("minutes/<int:meeting>/pdf/", minutes_views.minutes_pdf, name="minutes_pdf"),
]
