from .selectors import communities_for_user


def navigation(request):
    """The current community (from the URL) and the user's other communities."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "current_community": getattr(request, "community", None),
        "my_communities": communities_for_user(user),
    }
