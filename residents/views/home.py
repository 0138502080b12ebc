"""The landing page, a community's public page and its home."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language

from core.home import home_sections
from core.public import public_sections

from .. import selectors
from ..access import community_view
from ..predicates import viewer_key
from ..selectors import (
    communities_for_user,
    community_by_slug,
)

PAGE_SIZE = getattr(settings, "PAGE_SIZE", 25)


def home(request):
    """Logged out: the communities' public pages and the login. Logged in: send a
    user with one community straight to it; otherwise list them.

    Records waiting for the person's confirmation are shown first, so they stay here.
    """
    if not request.user.is_authenticated:
        return _landing(request)
    communities = list(communities_for_user(request.user))
    links = selectors.login_links_waiting_for(user=request.user)
    if len(communities) == 1 and not links:
        return redirect(communities[0])
    context = {"communities": communities, "login_links": links, "is_superuser": False}
    if not communities and request.user.is_superuser:
        # The administrator belongs to no community but may open every one.
        query = request.GET.get("q", "").strip()[:100]
        context.update(
            is_superuser=True,
            query=query,
            filter_query=urlencode({"q": query}) if query else "",
            page=Paginator(
                selectors.community_directory(query=query), PAGE_SIZE
            ).get_page(request.GET.get("page")),
        )
    return render(request, "residents/home.html", context)


def _landing(request):
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.community_directory(query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "residents/landing.html",
        {
            "page": page,
            "query": query,
            "filter_query": urlencode({"q": query}) if query else "",
        },
    )


def community_public(request, community):
    """What anyone may see of the community, without logging in (see core.public)."""
    community_obj = community_by_slug(slug=community, user=request.user)
    request.community = community_obj
    return render(
        request,
        "residents/community_public.html",
        {
            "community": community_obj,
            "sections": public_sections(request=request, community=community_obj),
            "login_url": f"{reverse('login')}?"
            + urlencode({"next": community_obj.get_absolute_url()}),
        },
    )


def community_home(request, community):
    """Members see the community's home; visitors who are logged out its public page."""
    if not request.user.is_authenticated:
        return redirect("residents:community_public", community=community)
    return _community_home(request, community)


@community_view("residents.view_community")
def _community_home(request, community):
    return render(
        request,
        "residents/community_home.html",
        {
            "community": community,
            "sections": home_sections(
                request=request,
                community=community,
                variant=(
                    community.slug,
                    get_language(),
                    *viewer_key(request.user, community),
                ),
            ),
        },
    )
