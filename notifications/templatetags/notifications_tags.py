"""Inbox badge count, dates as the glossary writes them, and QR codes."""

from django import template
from django.utils.safestring import mark_safe

from core.display import format_when
from core.display import qr_svg as display_qr_svg

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
    return format_when(value)


@register.simple_tag
def qr_svg(url: str, scale: int = 3) -> str:
    """An inline SVG QR code for `url` (no image file, prints sharp)."""
    return mark_safe(display_qr_svg(url, scale=scale))
