"""Dates for topic pages; the formats themselves live in core.display."""

from django import template
from django.utils.translation import gettext as _

from core.display import format_when, time_left_text

register = template.Library()

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
