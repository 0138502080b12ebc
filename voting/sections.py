"""What voting adds to lower apps' pages: the rounds on the meeting page and the topic page."""

from django.utils import timezone

from core.display import time_left_changes_at
from core.sections import KeptSection, register_page_section
from council.models import Meeting
from council.selectors import MEETING_PAGES
from residents.selectors import resident_for_user

from .models import RoundStatus
from .selectors import (
    COMMUNITY_ROUNDS,
    rounds_for_meeting,
    rounds_for_topic,
    voted_wish,
)


def _kept(context: dict, rounds) -> KeptSection | dict:
    """The section kept for everyone: an open round's "you have voted" is marked
    for each reader (_voted), and the entry ends at its countdown's next tick."""
    open_rounds = [r for r in rounds if r.status == RoundStatus.OPEN]
    if not open_rounds:
        return context
    now = timezone.now()
    ticks = [time_left_changes_at(r.closes_at, now) for r in open_rounds]
    return KeptSection(
        {**context, "marked": True},
        until=min(filter(None, ticks), default=None),
        mine=tuple(r.pk for r in open_rounds),
    )


def _voted(request, obj, open_ids, voted) -> set[str]:
    """The reader's keys in a kept section: the open rounds they voted in
    (`voted`, from _receipts: read with the section)."""
    return {f"voted-{pk}" for pk in open_ids if pk in (voted or ())}


def _receipts(request, obj):
    """Which rounds of the meeting or topic the reader voted in, as a wish."""
    resident = resident_for_user(user=request.user, community=obj.community)
    if isinstance(obj, Meeting):
        return voted_wish(resident=resident, meeting=obj)
    return voted_wish(resident=resident, topic=obj)


def meeting_section(request, meeting, *, kept: bool):
    """Kept like topic_section; forgotten by COMMUNITY_ROUNDS (a round prepared,
    opened or closed) and by the meeting's own changes
    (council.selectors.MEETING_PAGES: its agenda, its status)."""
    community = meeting.community
    user = request.user
    if not user.has_perm("voting.view_rounds", community):
        return None
    manage = user.has_perm("voting.manage_rounds", community)
    resident = None if kept else resident_for_user(user=user, community=community)
    rounds, voted = rounds_for_meeting(
        meeting=meeting, resident=resident, with_drafts=manage
    )
    can_prepare = manage and not meeting.is_finished and meeting.status != "draft"
    if not rounds and not can_prepare:
        return None
    context = {
        "community": community,
        "meeting": meeting,
        "rounds": rounds,
        "voted": voted,
        "can_prepare": can_prepare,
        "heading_id": f"votes-meeting-{meeting.pk}",
    }
    return _kept(context, rounds) if kept else context


def topic_section(request, topic, *, kept: bool):
    """Kept per viewer kind, an open round's "you have voted" marked for each
    reader; COMMUNITY_ROUNDS is forgotten when a round opens or closes."""
    community = topic.community
    if not request.user.has_perm("voting.view_rounds", community):
        return None
    resident = (
        None if kept else resident_for_user(user=request.user, community=community)
    )
    rounds, voted = rounds_for_topic(topic=topic, resident=resident)
    if not rounds:
        return None
    context = {
        "community": community,
        "rounds": rounds,
        "voted": voted,
        "can_prepare": False,
        "heading_id": f"votes-topic-{topic.pk}",
    }
    return _kept(context, rounds) if kept else context


def register() -> None:
    register_page_section(
        page="council.meeting",
        order=50,
        template_name="voting/partials/_rounds_section.html",
        kept=COMMUNITY_ROUNDS,
        scope=lambda meeting: str(meeting.community_id),
        also=lambda meeting: ((MEETING_PAGES, str(meeting.pk)),),
        context=meeting_section,
        own=_voted,
        reader=_receipts,
    )
    register_page_section(
        page="topics.topic",
        order=50,
        template_name="voting/partials/_rounds_section.html",
        kept=COMMUNITY_ROUNDS,
        scope=lambda topic: str(topic.community_id),
        context=topic_section,
        own=_voted,
        reader=_receipts,
    )
