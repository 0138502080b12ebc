"""Use the logged-in user's chosen language unless the visitor picked one this session."""

from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        chosen_by_cookie = settings.LANGUAGE_COOKIE_NAME in request.COOKIES
        if user is not None and user.is_authenticated and not chosen_by_cookie:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
