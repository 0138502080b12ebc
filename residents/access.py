"""The community in the URL decides which role applies: resolve it, check, go on."""

import inspect
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Community


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
    Someone who may not see the community gets 403 before any object is looked
    up. Someone who may see the community but lacks the permission gets 403, or
    404 with `hide`, as if the object did not exist (a draft meeting). `hide` may
    name another permission instead: 404 without that one, 403 with it but without
    `permission` (sees the meeting, may not check in to it).
    """
    consumed = [] if obj is None else list(inspect.signature(obj).parameters)[1:]

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, community, *args, **kwargs):
            community_obj = get_object_or_404(
                Community.objects.select_related("district"), slug=community
            )
            request.community = community_obj
            user = request.user
            if obj is None:
                if not user.has_perm(permission, community_obj):
                    raise PermissionDenied
                return view(request, community_obj, *args, **kwargs)
            if not user.has_perm("residents.view_community", community_obj):
                raise PermissionDenied
            target = obj(community_obj, **{name: kwargs.pop(name) for name in consumed})
            if not user.has_perm(permission, target):
                hidden = hide is True or (
                    isinstance(hide, str) and not user.has_perm(hide, target)
                )
                raise Http404 if hidden else PermissionDenied
            return view(request, community_obj, target, *args, **kwargs)

        return wrapper

    return decorator
