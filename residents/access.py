"""The community in the URL decides which role applies: resolve it, check, go on."""

import inspect
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from .context_processors import LAST_COMMUNITY_KEY
from .selectors import community_by_slug


def community_view(permission: str, *, obj=None, hide: bool | str = False):
    """Decorate a view taking (request, community, ...) where the URL has <community>.

    Answers 404 for an unknown community and 403 when the user lacks `permission`
    in that community. The view receives the Community object; it is also set on
    `request.community` for templates and navigation.

    With `obj`, the permission is asked of one object of the URL (django-rules'
    object permissions): `obj` is a function (community, <some URL kwargs>) that
    returns the object or raises Http404, and the view receives the object in
    place of those kwargs, e.g. ``obj=meeting_in_url`` with
    ``def meeting_in_url(community, pk)`` gives ``view(request, community, meeting)``.
    A function with a `user` parameter gets the request's user there
    (council.views.common.meeting_or_404 shows only the meetings they may see).
    Someone who may not see the community gets 403 before any object is looked
    up. Someone who may see the community but lacks the permission gets 403, or
    404 with `hide`, as if the object did not exist (a draft meeting). `hide` may
    name another permission instead: 404 without that one, 403 with it but without
    `permission` (sees the meeting, may not check in to it).
    """
    consumed = (
        []
        if obj is None
        else [n for n in list(inspect.signature(obj).parameters)[1:] if n != "user"]
    )
    wants_user = obj is not None and "user" in inspect.signature(obj).parameters

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, community, *args, **kwargs):
            community_obj = community_by_slug(slug=community, user=request.user)
            request.community = community_obj
            user = request.user
            if obj is None:
                if not user.has_perm(permission, community_obj):
                    raise PermissionDenied
                response = view(request, community_obj, *args, **kwargs)
            else:
                if not user.has_perm("residents.view_community", community_obj):
                    raise PermissionDenied
                found_by = {name: kwargs.pop(name) for name in consumed}
                if wants_user:
                    found_by["user"] = user
                target = obj(community_obj, **found_by)
                if not user.has_perm(permission, target):
                    hidden = hide is True or (
                        isinstance(hide, str) and not user.has_perm(hide, target)
                    )
                    raise Http404 if hidden else PermissionDenied
                response = view(request, community_obj, target, *args, **kwargs)
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
