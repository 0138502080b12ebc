from django.utils.functional import SimpleLazyObject

from .selectors import communities_for_user

LAST_COMMUNITY_KEY = "last_community"

# Which menu entry a page belongs to, by (URL namespace, URL name); the namespace
# alone where every page of it belongs to one entry.
_SECTIONS = {
    ("residents", "community_home"): "home",
    ("residents", "organization_list"): "organisations",
    ("residents", "organization_detail"): "organisations",
    ("residents", "organization_create"): "organisations",
    ("residents", "organization_edit"): "organisations",
    ("council", "council"): "council",
    ("council", "charter_edit"): "council",
    ("council", "seat_kinds_edit"): "council",
    ("council", "seat_assign"): "council",
    ("council", "seat_end"): "council",
    ("council", "seat_replace"): "council",
    ("council", "triage_index"): "topics",
    ("council", "triage"): "topics",
    ("notifications", "deliveries"): "deliveries",
    ("notifications", "notice_board"): "board",
    ("notifications", "resident_preferences"): "residents",
}
_NAMESPACE_SECTIONS = {
    "residents": "residents",
    "topics": "topics",
    "council": "meetings",
    "notifications": "inbox",
    # Apps above residents, named by their URL namespace only (nothing imported).
    "voting": "votes",
    "outcomes": "outcomes",
    "reports": "figures",
}


def nav_section(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    namespace = match.namespace or ""
    return _SECTIONS.get(
        (namespace, match.url_name), _NAMESPACE_SECTIONS.get(namespace, "")
    )


def _remembered_community(request, communities):
    """On pages outside a community (inbox, profile): the one last opened, or the only one."""
    slug = request.COOKIES.get(LAST_COMMUNITY_KEY)
    for community in communities:
        if community.slug == slug:
            return community
    return communities[0] if len(communities) == 1 else None


def navigation(request):
    """The current community (from the URL, else remembered) and the user's others.

    So the menu is the same on every page, the inbox and the profile included.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        # A visitor on a community's public page sees its name in the navbar.
        return {
            "current_community": getattr(request, "community", None),
            "nav_section": nav_section(request),
        }
    communities = communities_for_user(user)
    current = getattr(request, "community", None)
    if current is not None and not user.has_perm("residents.view_community", current):
        current = None  # a 403 page of another community: keep the user's own menu
    if current is None:
        # Lazily: fragments polled by htmx (the inbox badge) never ask for it.
        current = SimpleLazyObject(lambda: _remembered_community(request, communities))
    return {
        "current_community": current,
        "my_communities": communities,
        "nav_section": nav_section(request),
    }
