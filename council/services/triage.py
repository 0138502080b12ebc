"""Topic review (议题审核) of a meeting's collection: accept, decline, merge, defer.

Each action takes the meeting as well as the topic, so the meeting's rules hold
for all four: the meeting row is locked and the topic must have come in through
its collection window; accepting also needs an agenda that can still change.
The topic's own status and history change in topics.services, which tells its
submitter.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from topics import services as topic_services
from topics.models import Topic

from ..models import AgendaItem, Meeting
from .agenda import agenda_item_create
from .meetings import locked_meeting


def _reviewing(meeting: Meeting, topic: Topic) -> Meeting:
    """Lock the meeting and refuse a topic that is not in its collection."""
    meeting = locked_meeting(meeting)
    window_id = Topic.objects.filter(pk=topic.pk).values_list("window_id", flat=True)
    if meeting.window_id is None or window_id.first() != meeting.window_id:
        raise ValidationError(
            _("“%(title)s” was not submitted for this meeting.")
            % {"title": topic.title}
        )
    return meeting


@transaction.atomic
def triage_accept(*, meeting: Meeting, topic: Topic, by, note: str = "") -> AgendaItem:
    """Put the topic on the meeting's agenda and mark it accepted.

    One transaction: either the topic is on the agenda and its submitter told, or
    neither happened.
    """
    meeting = _reviewing(meeting, topic)
    item = agenda_item_create(meeting=meeting, by=by, topic=topic)
    topic_services.topic_accept(
        topic=topic,
        by=by,
        note=note,
        meeting=meeting.title,
        link=meeting.get_absolute_url(),
    )
    return item


@transaction.atomic
def triage_decline(*, meeting: Meeting, topic: Topic, by, reason: str) -> Topic:
    """Decline the topic; its submitter sees the reason."""
    _reviewing(meeting, topic)
    return topic_services.topic_decline(topic=topic, by=by, reason=reason)


@transaction.atomic
def triage_merge(*, meeting: Meeting, topic: Topic, into: Topic, by) -> Topic:
    """Merge the topic into another one; its support and comments move over."""
    _reviewing(meeting, topic)
    return topic_services.topic_merge(topic=topic, into=into, by=by)


@transaction.atomic
def triage_defer(*, meeting: Meeting, topic: Topic, by, note: str = "") -> Topic:
    """Move the topic to the next meeting's collection (or let it wait for one)."""
    _reviewing(meeting, topic)
    return topic_services.topic_defer(topic=topic, by=by, note=note)
