"""Per-request account handling for logged-in people.

- Use the logged-in user's chosen language unless the visitor picked one this
  session (the language cookie).
- Send a person who logged in with a one-time code to choose a password before
  anything else.
"""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation


def _allowed_before_new_password() -> tuple[str, ...]:
    return (
        reverse("password_set"),
        reverse("logout"),
        reverse("set_language"),
        settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/static/",
        "/healthz",
    )


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
                translation.activate(user.language)
                request.LANGUAGE_CODE = translation.get_language()
            if user.must_change_password and not request.path.startswith(
                _allowed_before_new_password()
            ):
                return redirect("password_set")
        return self.get_response(request)
