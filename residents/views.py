from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .access import community_view
from .selectors import communities_for_user, community_summary, organizations_by_kind


@login_required
def home(request):
    """Send a user with one community straight to it; otherwise list them."""
    communities = list(communities_for_user(request.user))
    if len(communities) == 1:
        return redirect(communities[0])
    return render(request, "residents/home.html", {"communities": communities})


@community_view("residents.view_community")
def community_home(request, community):
    return render(
        request,
        "residents/community_home.html",
        {
            "community": community,
            "summary": community_summary(community=community),
            "organizations_by_kind": organizations_by_kind(community=community),
        },
    )


@login_required
def profile(request):
    return render(request, "residents/profile.html", {})
