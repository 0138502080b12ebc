"""Log in with a mobile number or a username; what django-axes keys its counts on."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.utils import timezone

from .mobile import normalize_mobile


def _find_login(username: str):
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
    return user


class MobileOrUsernameBackend(ModelBackend):
    """Mobile number (typed any usual way) or username, and the password.

    A one-time code handed over by staff is the password until it expires, and
    works once: logging in with it uses it up (the person then chooses a password).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = _find_login(username)
        if user is None:
            get_user_model()().set_password(password)  # same cost as a real check
            return None
        if not (user.check_password(password) and self.user_can_authenticate(user)):
            return None
        if user.one_time_code_expires_at is not None:
            if timezone.now() >= user.one_time_code_expires_at:
                return None
            from .services import user_one_time_code_use

            user_one_time_code_use(user=user)
        return user

    def get_user(self, user_id):
        """The session's login, with its memberships read in the same query."""
        from .selectors import login_with_memberships

        try:
            user = login_with_memberships(user_id)
        except (TypeError, ValueError):  # a session from another kind of id
            return None
        if user is None:
            return super().get_user(user_id)
        return user if self.user_can_authenticate(user) else None


def one_time_code_expired(username: str, password: str) -> bool:
    """True when `password` is the login's one-time code, but it has expired.

    Only asked after a failed login, to tell the person to ask for a new code.
    """
    user = _find_login(username or "")
    return (
        user is not None
        and user.one_time_code_expires_at is not None
        and timezone.now() >= user.one_time_code_expires_at
        and user.check_password(password or "")
    )


def login_name_for_throttling(request, credentials) -> str:
    """The name django-axes counts wrong passwords for.

    "138 5900 1234", "+8613859001234" and "13859001234" are one login, so they
    count together; usernames count without regard to case, as they log in.
    What was typed comes first: after a success axes passes the login's username,
    and the count to clear is the one kept under the name the person typed.
    """
    raw = getattr(request, "POST", {}).get("username")
    if raw is None:
        raw = (credentials or {}).get("username") or ""
    raw = str(raw)
    try:
        mobile = normalize_mobile(raw)
    except ValidationError:
        mobile = ""
    return mobile or raw.strip().lower()


def client_ip_address(request) -> str:
    """The client's address: REMOTE_ADDR, or the one the nearest trusted proxy saw.

    With TRUSTED_PROXY_COUNT proxies in front of the app, each appends the address
    it received from to X-Forwarded-For; entries further left are whatever the
    client sent, so they are never trusted.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")
