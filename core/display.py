"""How dates, time left and QR codes are shown everywhere (GLOSSARY.md)."""

from datetime import date, datetime
from io import BytesIO

import segno
from django.utils import dateformat, timezone, translation
from django.utils.translation import ngettext


def _chinese() -> bool:
    return (translation.get_language() or "zh-hans").startswith("zh")


def format_when(value: datetime | None) -> str:
    """2026年11月29日 星期日 14:30 / Sun 29 Nov 2026, 14:30, in Asia/Shanghai."""
    if not value:
        return ""
    fmt = "Y年n月j日 l H:i" if _chinese() else "D j M Y, H:i"
    return dateformat.format(timezone.localtime(value), fmt)


def format_day(value: date | datetime | None) -> str:
    """2026年11月29日 / 29 Nov 2026."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    return dateformat.format(value, "Y年n月j日" if _chinese() else "j M Y")


def format_clock(value: datetime | None) -> str:
    if not value:
        return ""
    return dateformat.format(timezone.localtime(value), "H:i")


def time_left_text(until: datetime | None, now: datetime | None = None) -> str:
    """还剩 3 天 / 3 days left; '' once the moment has passed."""
    if not until:
        return ""
    seconds = int((until - (now or timezone.now())).total_seconds())
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
