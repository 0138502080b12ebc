"""The community menu, rendered once per worker for each set of inputs that decides it."""

from django import template
from django.template.loader import render_to_string
from django.utils.translation import get_language

from core.fragments import FragmentMemo

from ..predicates import roles_in

register = template.Library()

MENUS = FragmentMemo(size=4096)


@register.simple_tag(takes_context=True)
def community_menu(context):
    """The menu entries of `current_community` for this user (base.html).

    Every entry is shown by a permission that follows from the user's roles in the
    community (and superuser), so those, the community's address, the language and
    the current section are the whole key (tests/residents/test_navigation_menu.py
    checks that every role gets its own menu).
    """
    user = context["user"]
    community = context["current_community"]
    nav_section = context.get("nav_section", "")
    key = (
        community.pk,
        community.slug,
        community.district_id,
        tuple(sorted(roles_in(user, community))),
        user.is_superuser,
        get_language(),
        nav_section,
    )
    return MENUS.get_or_render(
        key,
        lambda: render_to_string(
            "partials/_community_nav.html",
            {"user": user, "current_community": community, "nav_section": nav_section},
        ),
    )
