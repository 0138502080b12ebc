from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("badge/", views.badge, name="badge"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("<int:pk>/read/", views.mark_read, name="mark_read"),
    path("<int:pk>/open/", views.open_notification, name="open"),
    path("preferences/", views.preferences, name="preferences"),
    path("c/<slug:community>/deliveries/", views.deliveries, name="deliveries"),
    path(
        "c/<slug:community>/deliveries/retry-all/",
        views.deliveries_retry_all,
        name="deliveries_retry_all",
    ),
    path(
        "c/<slug:community>/deliveries/<int:pk>/retry/",
        views.delivery_retry,
        name="delivery_retry",
    ),
    path("c/<slug:community>/notice-board/", views.notice_board, name="notice_board"),
    path(
        "c/<slug:community>/residents/<int:pk>/preferences/",
        views.resident_preferences,
        name="resident_preferences",
    ),
]
