"""What outcomes adds to lower apps' pages: the meeting, the agenda item, the topic
and the community home (registered in OutcomesConfig.ready())."""

from django.db.models import Count, Q

from core.home import register_home_section
from core.sections import register_page_section
from council.selectors import MEETING_PAGES

from .models import Outcome, OutcomeStatus
from .selectors import COMMUNITY_OUTCOMES, meeting_minutes


def meeting_section(request, meeting, *, kept: bool) -> dict | None:
    """The same for every reader: kept until COMMUNITY_OUTCOMES changes (an outcome
    recorded or moved on, minutes published) or the meeting does (MEETING_PAGES)."""
    community = meeting.community
    user = request.user
    if not user.has_perm("outcomes.view_minutes", community):
        return None
    if meeting.status not in ("in_progress", "concluded"):
        return None
    outcomes = {
        o.agenda_item_id: o
        for o in Outcome.objects.filter(meeting=meeting).only(
            "pk",
            "agenda_item_id",
            "community_id",
            "status",
            "action_total",
            "action_done",
        )
    }
    # In agenda order; the meeting page has them prefetched (no query then).
    items = sorted(
        meeting.agenda_items.all(), key=lambda item: (item.position, item.pk)
    )
    for item in items:
        item.recorded_outcome = outcomes.get(item.pk)
    for outcome in outcomes.values():
        outcome.community = community  # its link needs the slug: no query per outcome
    minutes = meeting_minutes(meeting_id=meeting.pk)
    return {
        "community": community,
        "meeting": meeting,
        "items": items,
        "minutes": minutes,
        "can_record": user.has_perm("outcomes.record_outcome", community),
        "can_edit_minutes": user.has_perm("outcomes.edit_minutes", community),
    }


def agenda_item_section(request, item) -> dict | None:
    meeting = item.meeting
    community = meeting.community
    outcome = (
        Outcome.objects.filter(agenda_item=item).select_related("community").first()
    )
    can_record = request.user.has_perm("outcomes.record_outcome", community) and (
        meeting.status in ("in_progress", "concluded")
    )
    if outcome is None and not can_record:
        return None
    return {
        "community": community,
        "item": item,
        "outcome": outcome,
        "can_record": can_record,
    }


def topic_section(request, topic, *, kept: bool) -> dict | None:
    """The same for every reader: kept until COMMUNITY_OUTCOMES changes."""
    outcomes = list(
        Outcome.objects.filter(topic=topic)
        .select_related("agenda_item")
        .order_by("-decided_at")
    )
    for outcome in outcomes:
        outcome.community = topic.community
    if not outcomes:
        return None
    return {"community": topic.community, "outcomes": outcomes}


def home_context(request, community) -> dict | None:
    counts = Outcome.objects.filter(community=community).aggregate(
        in_progress=Count("pk", filter=~Q(status=OutcomeStatus.IMPLEMENTED)),
        implemented=Count("pk", filter=Q(status=OutcomeStatus.IMPLEMENTED)),
    )
    if not counts["in_progress"] and not counts["implemented"]:
        return None
    return {"community": community, "counts": counts}


def register() -> None:
    register_page_section(
        page="council.meeting",
        order=60,
        template_name="outcomes/partials/_meeting_section.html",
        kept=COMMUNITY_OUTCOMES,
        scope=lambda meeting: str(meeting.community_id),
        also=lambda meeting: ((MEETING_PAGES, str(meeting.pk)),),
        context=meeting_section,
    )
    register_page_section(
        page="council.agenda_item",
        order=60,
        template_name="outcomes/partials/_agenda_item_section.html",
        context=agenda_item_section,
    )
    register_page_section(
        page="topics.topic",
        order=60,
        template_name="outcomes/partials/_topic_section.html",
        kept=COMMUNITY_OUTCOMES,
        scope=lambda topic: str(topic.community_id),
        context=topic_section,
    )
    register_home_section(
        order=30,
        template_name="outcomes/partials/_home_section.html",
        context=home_context,
        kept=COMMUNITY_OUTCOMES,
    )
