"""What every council page needs: the meeting or agenda item of the URL, the user's permissions."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from ..models import (
    AgendaItem,
    Council,
    Meeting,
    MeetingStatus,
)


def council_or_404(community) -> Council:
    """The community's council (created with the community; never here)."""
    return get_object_or_404(Council, community=community)


def meeting_or_404(community, pk, user=None) -> Meeting:
    meeting = get_object_or_404(
        Meeting.objects.select_related("council", "community", "window"),
        pk=pk,
        community=community,
    )
    if (
        user is not None
        and meeting.status == MeetingStatus.DRAFT
        and not user.has_perm("council.manage_meetings", community)
    ):
        raise Http404
    return meeting


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
