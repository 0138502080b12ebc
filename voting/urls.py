from django.urls import path

from . import views

app_name = "voting"

urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("new/<int:meeting>/", views.round_create, name="round_create"),
    path("<int:pk>/", views.round_detail, name="round"),
    path("<int:pk>/vote/", views.ballot_submit, name="ballot_submit"),
    path("<int:pk>/open/", views.round_open, name="round_open"),
    path("<int:pk>/result/", views.round_result, name="result"),
    path("<int:pk>/ballots.txt", views.ballots_text, name="ballots_text"),
    path("<int:pk>/proxy/", views.proxy_ballot, name="proxy_ballot"),
    path("<int:pk>/proxy/<int:proxy>/photo/", views.proxy_photo, name="proxy_photo"),
    path("<int:pk>/voters/", views.electors, name="electors"),
    path("link/<str:token>/", views.link_vote, name="link"),
]
