"""What reports adds to the pages of the apps below it.

The meeting page ("council.meeting"): residents who open a published agenda are
noted (one row per resident and meeting, for awareness); staff and social workers
see the meeting's figures there. The outcome page and the published minutes note
their readers too. Each noting is a section's reader: read from the cache with
the page's other kept parts, written the first time (services.page_open_wish).
"""

from core.sections import register_page_section
from residents.selectors import resident_for_user

from .models import OpenedPage
from .services import page_open_wish


def _opened(request, community, meeting, page: str, object_id: int):
    """A resident's opening of the page, noted (a wish read with the page)."""
    resident = resident_for_user(user=request.user, community=community)
    if resident is None:
        return None
    return page_open_wish(
        resident=resident, meeting=meeting, page=page, object_id=object_id
    )


def _agenda_opened(request, meeting):
    if not meeting.agenda_is_public:
        return None
    return _opened(request, meeting.community, meeting, OpenedPage.AGENDA, meeting.pk)


def meeting_section(request, meeting, *, read=None) -> dict | None:
    """A resident who opens a published agenda was noted by _agenda_opened."""
    community = meeting.community
    # The figures load into the page afterwards (htmx), so the meeting page
    # itself asks the database nothing more for them.
    return {
        "community": community,
        "meeting": meeting,
        "show_figures": request.user.has_perm("reports.view_dashboard", community),
    }


def _outcome_opened(request, outcome):
    return _opened(
        request, outcome.community, outcome.meeting, OpenedPage.OUTCOME, outcome.pk
    )


def _minutes_opened(request, minutes):
    if not minutes.is_published:
        return None
    meeting = minutes.meeting
    return _opened(request, meeting.community, meeting, OpenedPage.MINUTES, minutes.pk)


def nothing_shown(request, obj, *, read=None) -> None:
    """A section that only notes the page was opened (its reader) shows nothing."""
    return None


def register() -> None:
    register_page_section(
        page="outcomes.outcome",
        order=90,
        template_name="reports/partials/_nothing.html",
        context=nothing_shown,
        reader=_outcome_opened,
    )
    register_page_section(
        page="outcomes.minutes",
        order=90,
        template_name="reports/partials/_nothing.html",
        context=nothing_shown,
        reader=_minutes_opened,
    )
    register_page_section(
        page="council.meeting",
        order=90,
        template_name="reports/partials/_meeting_section.html",
        context=meeting_section,
        reader=_agenda_opened,
    )
