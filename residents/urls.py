from django.urls import path

from . import views

app_name = "residents"

urlpatterns = [
    path("", views.community_home, name="community_home"),
    path("public/", views.community_public, name="community_public"),
    path("residents/", views.resident_list, name="resident_list"),
    path("residents/new/", views.resident_create, name="resident_create"),
    path("residents/<int:pk>/", views.resident_detail, name="resident_detail"),
    path("residents/<int:pk>/edit/", views.resident_edit, name="resident_edit"),
    path(
        "residents/<int:pk>/login/",
        views.resident_login_create,
        name="resident_login_create",
    ),
    path(
        "residents/<int:pk>/reset-password/",
        views.resident_password_reset,
        name="resident_password_reset",
    ),
    path("residents/import/", views.import_start, name="import_start"),
    path(
        "residents/import/template.csv",
        views.import_template,
        name="import_template",
    ),
    path("residents/import/<int:pk>/", views.import_detail, name="import_detail"),
    path(
        "residents/import/<int:pk>/progress/",
        views.import_progress,
        name="import_progress",
    ),
    path(
        "residents/import/<int:pk>/problems.csv",
        views.import_report,
        name="import_report",
    ),
    path(
        "residents/import/<int:pk>/columns/",
        views.import_columns,
        name="import_columns",
    ),
    path(
        "residents/import/<int:pk>/confirm/",
        views.import_confirm,
        name="import_confirm",
    ),
    path(
        "residents/import/<int:pk>/cancel/", views.import_cancel, name="import_cancel"
    ),
    path("organisations/", views.organization_list, name="organization_list"),
    path("organisations/new/", views.organization_create, name="organization_create"),
    path(
        "organisations/<int:pk>/",
        views.organization_detail,
        name="organization_detail",
    ),
    path(
        "organisations/<int:pk>/edit/",
        views.organization_edit,
        name="organization_edit",
    ),
    path(
        "organisations/<int:pk>/members/add/",
        views.organization_member_add,
        name="organization_member_add",
    ),
    path(
        "organisations/<int:pk>/members/<int:resident_pk>/remove/",
        views.organization_member_remove,
        name="organization_member_remove",
    ),
]
