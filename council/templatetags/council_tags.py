"""Display helpers for council pages: dates as in the glossary, time left."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import ngettext, pgettext

register = template.Library()


@register.filter
def when(value: datetime | None) -> str:
    """Format as 2026年11月29日 星期日 14:30 / Sun 29 Nov 2026, 14:30 (Asia/Shanghai)."""
    if not value:
        return ""
    value = timezone.localtime(value)
    return date_format(value, pgettext("date and time format", "D j M Y, H:i"))


@register.filter
def day(value) -> str:
    """Format a date as 2026年11月29日 / 29 Nov 2026."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return date_format(value, pgettext("date format", "j M Y"))


@register.filter
def clock(value) -> str:
    if not value:
        return ""
    return date_format(timezone.localtime(value), "H:i")


def time_left_text(until: datetime, now: datetime | None = None) -> str:
    """Return 'still 3 days' style text: 还剩 3 天 / 3 days left."""
    now = now or timezone.now()
    seconds = int((until - now).total_seconds())
    if seconds <= 0:
        return ""
    days, rest = divmod(seconds, 86400)
    if days >= 1:
        return ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days}
    hours = rest // 3600
    if hours >= 1:
        return ngettext("%(n)d hour left", "%(n)d hours left", hours) % {"n": hours}
    minutes = max(rest // 60, 1)
    return ngettext("%(n)d minute left", "%(n)d minutes left", minutes) % {"n": minutes}


@register.filter
def time_left(value: datetime | None) -> str:
    if not value:
        return ""
    return time_left_text(value)
