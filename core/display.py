"""How dates, time left and QR codes are shown everywhere (GLOSSARY.md)."""

from datetime import date, datetime, timedelta
from io import BytesIO

import segno
from django.utils import timezone, translation
from django.utils.dates import MONTHS_3, WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import ngettext


def _chinese() -> bool:
    return (translation.get_language() or "zh-hans").startswith("zh")


def _local(value: datetime) -> datetime:
    """The value in local time; at the very ends of the calendar, as stored.

    A row dated 9999-12-31 23:00 UTC has no local time (it would be year 10000):
    a page showing it must still render.
    """
    if timezone.is_naive(value):
        return value
    try:
        return timezone.localtime(value)
    except (OverflowError, ValueError):
        return value


def local_day(value: datetime) -> date:
    """The local date of a moment (the stored date at the ends of the calendar)."""
    return _local(value).date()


def format_when(value: datetime | None) -> str:
    """2026年11月29日 星期日 14:30 / Sun 29 Nov 2026, 14:30, in Asia/Shanghai."""
    if not value:
        return ""
    # What dateformat.format gives for "Y年n月j日 l H:i" and "D j M Y, H:i", built
    # directly: a page of twenty dates spent 2.5 ms parsing the format each time.
    local = _local(value)
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if _chinese():
        weekday = WEEKDAYS[local.weekday()]
        return f"{local.year:04d}年{local.month}月{local.day}日 {weekday} {clock}"
    weekday, month = WEEKDAYS_ABBR[local.weekday()], MONTHS_3[local.month].title()
    return f"{weekday} {local.day} {month} {local.year:04d}, {clock}"


def format_day(value: date | datetime | None) -> str:
    """2026年11月29日 / 29 Nov 2026."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = _local(value)
    if _chinese():
        return f"{value.year:04d}年{value.month}月{value.day}日"
    return f"{value.day} {MONTHS_3[value.month].title()} {value.year:04d}"


def format_clock(value: datetime | None) -> str:
    if not value:
        return ""
    local = _local(value)
    return f"{local.hour:02d}:{local.minute:02d}"


def time_left_text(until: datetime | None, now: datetime | None = None) -> str:
    """还剩 3 天 / 3 days left; '' once the moment has passed."""
    if not until:
        return ""
    try:
        seconds = int((until - (now or timezone.now())).total_seconds())
    except (OverflowError, TypeError):
        return ""
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


def next_local_midnight(now: datetime | None = None) -> datetime:
    """The start of tomorrow in Asia/Shanghai: when "today" next changes."""
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, datetime.min.time()))


def time_left_changes_at(until: datetime | None, now: datetime) -> datetime | None:
    """The moment after which `time_left_text(until)` reads differently; None if never."""
    if not until or until <= now:
        return None
    seconds = int((until - now).total_seconds())
    days, rest = divmod(seconds, 86400)
    if days >= 1:
        return until - timedelta(days=days)
    if rest >= 3600:
        return until - timedelta(hours=rest // 3600)
    if rest >= 120:
        return until - timedelta(minutes=rest // 60)
    return until - timedelta(seconds=1)  # "1 minute left" down to the last second


def qr_svg(url: str, scale: int = 3) -> str:
    """An inline SVG QR code for `url`: no image file, prints sharp, quiet zone kept."""
    buffer = BytesIO()
    segno.make(url, error="m", micro=False).save(
        buffer,
        kind="svg",
        scale=scale,
        xmldecl=False,
        svgns=True,
        border=4,
        omitsize=True,
        dark="#000",
        light="#fff",
    )
    return buffer.getvalue().decode()
