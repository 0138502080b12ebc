"""The topics section of the community home page: collection open, submit a topic."""

from django.db.models import Count, Q
from django.utils import timezone

from core.home import register_home_section

from .models import Topic, TopicStatus
from .selectors import COMMUNITY_TOPICS, window_accepting, window_shown_until


def topics_home_context(request, community) -> dict | None:
    if not request.user.has_perm("topics.view_topics", community):
        return None
    now = timezone.now()
    window = window_accepting(community=community, now=now)
    # With no window open, count the topics waiting for the next one.
    counts = Topic.objects.filter(community=community).aggregate(
        collecting=Count("pk", filter=Q(window_id=getattr(window, "pk", None))),
        on_agenda=Count("pk", filter=Q(status=TopicStatus.ACCEPTED)),
    )
    return {
        "community": community,
        "window": window,
        "counts": counts,
        "kept_until": window_shown_until(window, now),
    }


def register() -> None:
    register_home_section(
        order=10,
        template_name="topics/partials/_home_section.html",
        context=topics_home_context,
        kept=COMMUNITY_TOPICS,
    )
