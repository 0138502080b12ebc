"""Dates for topic pages (the formats live in core.display), and the topic card."""

from django import template
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.display import format_when, time_left_text
from core.fragments import FragmentMemo

register = template.Library()

CARDS = FragmentMemo(size=4096)

register.filter("when", format_when)


@register.filter
def time_left(value):
    """Time left until a deadline: 还剩 3 天 / 3 days left; 已截止 once passed."""
    if not value:
        return ""
    return time_left_text(value) or _("closed")


@register.filter
def with_pk(url: str, pk) -> str:
    """`url` reversed once with pk 0, for this pk: saves a reverse() per row."""
    head, sep, tail = url.rpartition("/0/")
    return f"{head}/{pk}/{tail}" if sep else url


@register.simple_tag(takes_context=True)
def topic_card(context, topic):
    """A topic's card on the list, rendered once per worker for what it shows.

    The key is every value the card shows (so a new count, title or status is a
    new card, with nothing to forget), whether the reader may see names, and the
    language; tests/topics/views/test_list.py checks the card follows each.
    """
    user, community = context["user"], context["community"]
    can_view_names = user.has_perm("residents.view_names", topic)
    key = (
        community.slug,
        topic.pk,
        topic.status,
        topic.category,
        topic.title,
        topic.location,
        topic.created_at,
        topic.window_id,
        topic.window.title if topic.window_id else "",
        topic.endorsement_count,
        topic.comment_count,
        topic.submitter.name if can_view_names else None,
        get_language(),
    )
    return CARDS.get_or_render(
        key,
        lambda: render_to_string(
            "topics/partials/_topic_card.html",
            {"topic": topic, "community": community, "can_view_names": can_view_names},
        ),
    )
