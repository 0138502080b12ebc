"""What every council page needs: the meeting or agenda item of the URL, the user's permissions."""

from django.shortcuts import get_object_or_404

from ..models import (
    AgendaItem,
    Council,
    Meeting,
)
from ..selectors import meetings_visible_to


def council_or_404(community) -> Council:
    """The community's council (created with the community; never here)."""
    return get_object_or_404(Council, community=community)


def meeting_or_404(community, pk, user) -> Meeting:
    """The meeting of the URL, if `user` may see it (selectors.meeting_visibility)."""
    return get_object_or_404(
        meetings_visible_to(user=user, community=community).select_related(
            "council", "community", "window"
        ),
        pk=pk,
    )


def agenda_item_or_404(meeting, item_pk) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.select_related("topic"), pk=item_pk, meeting=meeting
    )


def perms_for(user, community) -> dict:
    return {
        "manage_council": user.has_perm("council.manage_council", community),
        "manage_meetings": user.has_perm("council.manage_meetings", community),
        "invite": user.has_perm("council.invite_stakeholders", community),
        "record_attendance": user.has_perm("council.record_attendance", community),
        "view_attendance": user.has_perm("council.view_attendance", community),
    }
