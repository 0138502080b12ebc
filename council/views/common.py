"""What council pages share: the meeting, agenda item or invitation of the URL.

`meeting_or_404` and the `*_in_url` functions are the `obj` of
residents.access.community_view: the permission is asked of what they return
(council.view_meeting of this meeting).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from ..models import AgendaItem, Council, Invitation, Meeting
from ..selectors import meeting_alone_visible_to, meetings_visible_to


def council_or_404(community) -> Council:
    """The community's council (created with the community; never here)."""
    return get_object_or_404(Council, community=community)


def meeting_or_404(community, pk, user) -> Meeting:
    """The meeting of the URL, if `user` may see it (selectors.meeting_visibility).

    As the `obj` of community_view, `user` is the request's user.
    """
    return get_object_or_404(
        meetings_visible_to(user=user, community=community).select_related(
            "council", "community", "window"
        ),
        pk=pk,
    )


def meeting_alone_or_404(community, pk, user) -> Meeting:
    """meeting_or_404 without its council and window, for a page kept rendered
    (the meeting page, the check-in list): the meeting's row alone, its community
    the URL's; what is built reads the others when it needs them."""
    meeting = meeting_alone_visible_to(user=user, community=community, pk=pk)
    if meeting is None:
        raise Http404
    return meeting


def agenda_item_or_404(meeting, item_pk) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.select_related("topic"), pk=item_pk, meeting=meeting
    )


def agenda_item_in_url(community, pk, item) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.select_related(
            "topic", "meeting__council", "meeting__community", "meeting__window"
        ),
        pk=item,
        meeting_id=pk,
        meeting__community=community,
    )


def invitation_in_url(community, pk) -> Invitation:
    return get_object_or_404(
        Invitation.objects.select_related(
            "resident", "organization", "meeting", "agenda_item__meeting__community"
        ),
        pk=pk,
        meeting__community=community,
    )
