"""Log in with a mobile number or a username."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from .mobile import normalize_mobile


class MobileOrUsernameBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        User = get_user_model()
        user = None
        try:
            mobile = normalize_mobile(username)
        except ValidationError:
            mobile = ""
        if mobile:
            user = User.objects.filter(mobile=mobile).first()
        if user is None:
            user = User.objects.filter(username__iexact=username.strip()).first()
        if user is None:
            User().set_password(password)  # same cost as a real check (timing)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
