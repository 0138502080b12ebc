"""The community menu, rendered once per worker for each set of inputs that decides it."""

from django import template
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core.fragments import KEPT_CSRF_TOKEN, FragmentMemo, with_own_csrf_token

from ..predicates import roles_in

register = template.Library()

MENUS = FragmentMemo(size=4096)
NAVBARS = FragmentMemo(size=4096)
# Where the page's own address goes in a kept navbar (the language form's "next").
_NEXT_PATH = "kept-next-path-placeholder"


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


@register.simple_tag(takes_context=True)
def nav_menus(context):
    """The navbar's menus (base.html): the community menu, the user's links and
    the language switch, rendered once per worker for each set of inputs that
    decides them, then given this request's CSRF token and address."""
    request = context["request"]
    user = context["user"]
    community = context.get("current_community") or None
    signed_in = user.is_authenticated
    key = (
        get_language(),
        signed_in,
        len(context.get("my_communities") or ()) > 1,
        community
        and (
            community.pk,
            community.slug,
            community.district_id,
            tuple(sorted(roles_in(user, community))),
        ),
        user.is_superuser,
        context.get("nav_section", ""),
    )
    html = NAVBARS.get_or_render(
        key,
        lambda: render_to_string(
            "partials/_nav_menus.html",
            {
                "user": user,
                "current_community": community,
                "nav_section": context.get("nav_section", ""),
                "my_communities": context.get("my_communities") or (),
                "csrf_token": KEPT_CSRF_TOKEN,
                "next_path": _NEXT_PATH,
                "LANGUAGE_CODE": get_language(),
            },
        ),
    )
    html = html.replace(_NEXT_PATH, escape(request.get_full_path()))
    return mark_safe(with_own_csrf_token(html, request))  # noqa: S308
