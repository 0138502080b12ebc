from django.urls import path

from . import views

app_name = "residents"

urlpatterns = [
    path("", views.community_home, name="community_home"),
]
