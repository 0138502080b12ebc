from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views
from .forms import ChosenPasswordForm, LoginForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/mobile/", views.mobile_change_confirm, name="mobile_change_confirm"),
    path(
        "profile/mobile/resend/",
        views.mobile_change_resend,
        name="mobile_change_resend",
    ),
    path("records/<int:pk>/", views.login_link_confirm, name="login_link_confirm"),
    path(
        "records/<int:pk>/decline/",
        views.login_link_decline,
        name="login_link_decline",
    ),
    path("password/", views.password_set, name="password_set"),
    # Reset by email, for people who gave an email address.
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(
            template_name="residents/password_reset_form.html",
            email_template_name="residents/password_reset_email.txt",
            subject_template_name="residents/password_reset_subject.txt",
            success_url=reverse_lazy("password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="residents/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="residents/password_reset_confirm.html",
            form_class=ChosenPasswordForm,
            success_url=reverse_lazy("password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="residents/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
