"""A community's calendar (.ics) for a phone to subscribe to.

Meetings the feed's owner may see, the deadlines of topic collection and (with the
voting app) of votes; each event links back to its page. Events from a year ago
onwards, so an old calendar stays small.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from council.exports import ics_calendar, ics_event, ics_uid, meeting_event
from council.models import MeetingStatus
from council.selectors import meetings_visible_to
from topics.models import CollectionWindow
from voting.models import RoundStatus, VotingRound

from .models import CalendarFeed

HISTORY = timedelta(days=365)


def community_calendar(feed: CalendarFeed, *, base_url: str, host: str) -> bytes:
    """The VCALENDAR of the feed's community, as its owner may see it."""
    community, user = feed.community, feed.user
    since = timezone.now() - HISTORY
    calendar = ics_calendar(name=_("%(community)s council") % {"community": community})
    meetings = (
        meetings_visible_to(user=user, community=community)
        .filter(starts_at__gte=since)
        .select_related("community")
        .order_by("starts_at", "pk")
    )
    for meeting in meetings:
        calendar.add_component(
            meeting_event(meeting, url=base_url + meeting.get_absolute_url(), host=host)
        )
    topics_url = base_url + reverse(
        "topics:topic_list", kwargs={"community": community.slug}
    )
    windows = CollectionWindow.objects.filter(
        community=community, closes_at__gte=since
    ).exclude(meeting__status__in=[MeetingStatus.DRAFT, MeetingStatus.CANCELLED])
    for window in windows.order_by("closes_at", "pk"):
        calendar.add_component(
            ics_event(
                uid=ics_uid("collection", window.pk, host),
                summary=_("Topic collection closes: %(title)s")
                % {"title": window.title},
                starts_at=window.closes_at,
                url=topics_url,
                description=_("Last moment to submit a topic for this meeting."),
            )
        )
    for event in _round_events(feed, base_url=base_url, host=host, since=since):
        calendar.add_component(event)
    return calendar.to_ical()


def _round_events(feed, *, base_url, host, since):
    """The deadline of every vote its owner may see (drafts are not announced)."""
    if not feed.user.has_perm("voting.view_rounds", feed.community):
        return
    rounds = (
        VotingRound.objects.filter(community=feed.community, closes_at__gte=since)
        .exclude(status=RoundStatus.DRAFT)
        .select_related("community")
        .order_by("closes_at", "pk")
    )
    for voting_round in rounds:
        yield ics_event(
            uid=ics_uid("vote", voting_round.pk, host),
            summary=_("Voting closes: %(question)s")
            % {"question": voting_round.question},
            starts_at=voting_round.closes_at,
            url=base_url + voting_round.get_absolute_url(),
        )
