"""The council's sections of the community's public page (see core.public)."""

from core.public import register_public_section
from topics.selectors import window_accepting

from .selectors import public_council, public_decided_topics, public_meetings


def council_for_public_page(request, community):
    """The council's public page settings, read once per page, however many sections ask."""
    cached = getattr(request, "_public_council", None)
    if cached is None or cached.community_id != community.pk:
        cached = public_council(community=community)
        request._public_council = cached
    return cached


def public_meetings_context(request, community) -> dict | None:
    council = council_for_public_page(request, community)
    if not council.public_meetings:
        return None
    return {
        "community": community,
        "meetings": public_meetings(community=community, council=council),
        "show_agenda": council.public_agenda,
        "window": window_accepting(community=community),
    }


def public_decisions_context(request, community) -> dict | None:
    council = council_for_public_page(request, community)
    if not council.public_decided_topics:
        return None
    return {
        "community": community,
        "topics": public_decided_topics(community=community, council=council),
    }


def register() -> None:
    register_public_section(
        order=20,
        template_name="council/partials/_public_meetings.html",
        context=public_meetings_context,
    )
    register_public_section(
        order=30,
        template_name="council/partials/_public_decisions.html",
        context=public_decisions_context,
    )
