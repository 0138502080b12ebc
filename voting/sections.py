"""What voting adds to lower apps' pages: the rounds on the meeting page and the topic page."""

from core.sections import LIVE, register_page_section
from council.selectors import MEETING_PAGES
from residents.selectors import resident_for_user

from .models import RoundStatus
from .selectors import COMMUNITY_ROUNDS, rounds_for_meeting, rounds_for_topic


def meeting_section(request, meeting, *, kept: bool) -> dict | None:
    """Kept while no round of the meeting is open, like topic_section; forgotten
    by COMMUNITY_ROUNDS (a round prepared, opened or closed) and by the meeting's
    own changes (council.selectors.MEETING_PAGES: its agenda, its status)."""
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
    if kept and any(r.status == RoundStatus.OPEN for r in rounds):
        return LIVE
    return {
        "community": community,
        "meeting": meeting,
        "rounds": rounds,
        "voted": voted,
        "can_prepare": can_prepare,
        "heading_id": f"votes-meeting-{meeting.pk}",
    }


def topic_section(request, topic, *, kept: bool) -> dict | None:
    """Kept while no round of the topic is open (an open one shows whether the
    reader has voted); COMMUNITY_ROUNDS is forgotten when one opens or closes."""
    community = topic.community
    if not request.user.has_perm("voting.view_rounds", community):
        return None
    resident = (
        None if kept else resident_for_user(user=request.user, community=community)
    )
    rounds, voted = rounds_for_topic(topic=topic, resident=resident)
    if not rounds:
        return None
    if kept and any(r.status == RoundStatus.OPEN for r in rounds):
        return LIVE
    return {
        "community": community,
        "rounds": rounds,
        "voted": voted,
        "can_prepare": False,
        "heading_id": f"votes-topic-{topic.pk}",
    }


def register() -> None:
    register_page_section(
        page="council.meeting",
        order=50,
        template_name="voting/partials/_rounds_section.html",
        kept=COMMUNITY_ROUNDS,
        scope=lambda meeting: str(meeting.community_id),
        also=lambda meeting: ((MEETING_PAGES, str(meeting.pk)),),
        context=meeting_section,
    )
    register_page_section(
        page="topics.topic",
        order=50,
        template_name="voting/partials/_rounds_section.html",
        kept=COMMUNITY_ROUNDS,
        scope=lambda topic: str(topic.community_id),
        context=topic_section,
    )
