"""Context for every page rendered with its request."""

from django.utils.functional import SimpleLazyObject

from .fragments import own_csrf_token


def csrf(request) -> dict:
    """`csrf_token` as Django's own processor gives it (and overrides), but masked
    once per page: the kept forms filled in later carry the same token."""
    return {"csrf_token": SimpleLazyObject(lambda: own_csrf_token(request))}
