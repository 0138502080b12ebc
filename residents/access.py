"""The community in the URL decides which role applies: resolve it, check, go on."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .context_processors import LAST_COMMUNITY_KEY
from .models import Community


def community_view(permission: str):
    """Decorate a view taking (request, community, ...) where the URL has <community>.

    Answers 404 for an unknown community and 403 when the user lacks `permission`
    in that community. The view receives the Community object; it is also set on
    `request.community` for templates and navigation.
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, community, *args, **kwargs):
            community_obj = get_object_or_404(
                Community.objects.select_related("district"), slug=community
            )
            request.community = community_obj
            if not request.user.has_perm(permission, community_obj):
                raise PermissionDenied
            response = view(request, community_obj, *args, **kwargs)
            # The menu on pages outside a community (inbox, profile) shows this
            # one: a cookie, so remembering it costs no session write.
            if request.COOKIES.get(LAST_COMMUNITY_KEY) != community_obj.slug:
                response.set_cookie(
                    LAST_COMMUNITY_KEY,
                    community_obj.slug,
                    max_age=60 * 60 * 24 * 365,
                    samesite="Lax",
                    httponly=True,
                )
            return response

        return wrapper

    return decorator
