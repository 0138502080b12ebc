"""Display helpers for council pages; the formats themselves live in core.display."""

from django import template

from core.display import (
    format_clock,
    format_day,
    format_when,
    time_left_text,
)

register = template.Library()

register.filter("when", format_when)
register.filter("day", format_day)
register.filter("clock", format_clock)
register.filter("time_left", time_left_text)
