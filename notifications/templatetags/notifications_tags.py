"""Inbox badge count, dates as the glossary writes them, and QR codes."""

import segno
from django import template
from django.utils import dateformat, timezone, translation
from django.utils.safestring import mark_safe

from ..selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_unread_count(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return unread_count(user)


@register.filter
def local_datetime(value) -> str:
    """2026年11月29日 星期日 14:30 in Chinese, Sun 29 Nov 2026, 14:30 in English."""
    if not value:
        return ""
    language = translation.get_language() or "zh-hans"
    fmt = "Y年n月j日 l H:i" if language.startswith("zh") else "D j M Y, H:i"
    return dateformat.format(timezone.localtime(value), fmt)


@register.simple_tag
def qr_svg(url: str, scale: int = 3) -> str:
    """An inline SVG QR code for `url` (no image file, prints sharp)."""
    code = segno.make(url, error="m", micro=False)
    return mark_safe(code.svg_inline(scale=scale, dark="#000", light="#fff"))
