"""The council section of the community home page: the next meeting."""

from django.utils import timezone

from core.display import time_left_changes_at
from core.home import register_home_section

from .models import Meeting, MeetingStatus
from .selectors import COMMUNITY_MEETINGS


def council_home_context(request, community) -> dict | None:
    if not request.user.has_perm("council.view_meetings", community):
        return None
    meeting = (
        Meeting.objects.filter(community=community)
        .exclude(status__in=[MeetingStatus.DRAFT, MeetingStatus.CANCELLED])
        .upcoming()
        .order_by("starts_at", "pk")
        .first()
    )
    kept_until = None
    if meeting is not None:
        meeting.community = community  # its link needs the slug: no query for it
        if meeting.before_opening:  # the countdown
            kept_until = time_left_changes_at(meeting.starts_at, timezone.now())
    return {
        "community": community,
        "meeting": meeting,
        # Topic review is not in the menu: staff reach it from here and the meetings.
        "can_triage": request.user.has_perm("topics.triage_topics", community),
        "kept_until": kept_until,
    }


def register() -> None:
    register_home_section(
        order=20,
        template_name="council/partials/_home_section.html",
        context=council_home_context,
        kept=COMMUNITY_MEETINGS,
    )
