"""What reports adds to the pages of the apps below it.

The meeting page ("council.meeting"): residents who open a published agenda are
noted (one row per resident and meeting, for awareness); staff and social workers
see the meeting's figures there.
"""

from core.sections import register_page_section
from residents.selectors import resident_for_user

from .models import OpenedPage
from .services import page_open_record


def meeting_section(request, meeting) -> dict | None:
    community = meeting.community
    if meeting.agenda_is_public:
        resident = resident_for_user(user=request.user, community=community)
        if resident is not None:
            page_open_record(
                resident=resident,
                meeting=meeting,
                page=OpenedPage.AGENDA,
                object_id=meeting.pk,
            )
    # The figures load into the page afterwards (htmx), so the meeting page
    # itself asks the database nothing more for them.
    return {
        "community": community,
        "meeting": meeting,
        "show_figures": request.user.has_perm("reports.view_dashboard", community),
    }


def outcome_section(request, outcome) -> None:
    """Note that a resident opened the outcome's page; nothing is shown."""
    resident = resident_for_user(user=request.user, community=outcome.community)
    if resident is not None:
        page_open_record(
            resident=resident,
            meeting=outcome.meeting,
            page=OpenedPage.OUTCOME,
            object_id=outcome.pk,
        )
    return None


def minutes_section(request, minutes) -> None:
    """Note that a resident opened the published minutes; nothing is shown."""
    if not minutes.is_published:
        return None
    meeting = minutes.meeting
    resident = resident_for_user(user=request.user, community=meeting.community)
    if resident is not None:
        page_open_record(
            resident=resident,
            meeting=meeting,
            page=OpenedPage.MINUTES,
            object_id=minutes.pk,
        )
    return None


def register() -> None:
    register_page_section(
        page="outcomes.outcome",
        order=90,
        template_name="reports/partials/_nothing.html",
        context=outcome_section,
    )
    register_page_section(
        page="outcomes.minutes",
        order=90,
        template_name="reports/partials/_nothing.html",
        context=minutes_section,
    )
    register_page_section(
        page="council.meeting",
        order=90,
        template_name="reports/partials/_meeting_section.html",
        context=meeting_section,
    )
