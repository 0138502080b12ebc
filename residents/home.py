"""The residents' sections of the community home page: the people registered (for
staff) and the five-society organisations (for everyone), kept like the others."""

from core.home import register_home_section

from . import selectors, services
from .selectors import HOME_ORGANIZATIONS, HOME_PEOPLE


def people_home_context(request, community) -> dict | None:
    """Counts of vulnerable residents: for staff, not residents."""
    if not request.user.has_perm("residents.view_resident_counts", community):
        return None
    stats = services.community_stats_kept(community=community)
    return {
        "community": community,
        "summary": selectors.community_summary(stats=stats),
    }


def organizations_home_context(request, community) -> dict:
    return {
        "organizations_by_kind": selectors.organizations_by_kind(community=community)
    }


def register() -> None:
    register_home_section(
        order=90,
        template_name="residents/partials/_home_people.html",
        context=people_home_context,
        kept=HOME_PEOPLE,
    )
    register_home_section(
        order=100,
        template_name="residents/partials/_home_organizations.html",
        context=organizations_home_context,
        kept=HOME_ORGANIZATIONS,
    )
