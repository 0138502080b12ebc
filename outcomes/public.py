"""The outcomes section of the community's public page (see core.public)."""

from core.public import register_public_section
from council.public import council_for_public_page

from .selectors import outcome_list, status_counts


def public_outcomes_context(request, community) -> dict | None:
    """What got done: counts by status and the latest outcomes, when the council's
    public page settings show outcomes (Council.public_results)."""
    if not council_for_public_page(request, community).public_results:
        return None
    counts = status_counts(community=community)
    return {
        "community": community,
        "counts": counts,
        "outcomes": list(outcome_list(community=community))[:3]
        if counts["all"]
        else [],
    }


def register() -> None:
    register_public_section(
        order=40,
        template_name="outcomes/partials/_public_outcomes.html",
        context=public_outcomes_context,
    )
