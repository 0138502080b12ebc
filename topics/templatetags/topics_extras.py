"""Dates as GLOSSARY.md says: 2026年11月29日 星期日 14:30 / Sun 29 Nov 2026, 14:30."""

from django import template
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def when(value):
    """A moment in Asia/Shanghai, written the way residents read dates."""
    if not value:
        return ""
    value = timezone.localtime(value)
    if (translation.get_language() or "").startswith("zh"):
        return date_format(value, "Y年n月j日 l H:i")
    return date_format(value, "D j M Y, H:i")


@register.filter
def time_left(value):
    """Time left until a deadline: 还剩 3 天 / 3 days left."""
    if not value:
        return ""
    seconds = (value - timezone.now()).total_seconds()
    if seconds <= 0:
        return _("closed")
    days, rest = divmod(int(seconds), 86400)
    if days >= 1:
        return ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days}
    hours = rest // 3600
    if hours >= 1:
        return ngettext("%(n)d hour left", "%(n)d hours left", hours) % {"n": hours}
    minutes = max(1, rest // 60)
    return ngettext("%(n)d minute left", "%(n)d minutes left", minutes) % {"n": minutes}
