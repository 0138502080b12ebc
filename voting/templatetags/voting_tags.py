"""Display helpers for voting pages and notifications."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.display import format_clock, format_when, time_left_text

register = template.Library()

register.filter("when", format_when)
register.filter("clock", format_clock)
register.filter("time_left", time_left_text)


@register.filter
def link_for(links: dict, recipient) -> str:
    """The recipient's own voting link from a {resident id: url} dict."""
    if not links or recipient is None:
        return ""
    return links.get(getattr(recipient, "pk", None), "")


@register.filter
def option_labels(option_ids, options_by_id: dict) -> str:
    """'同意' or '甲、乙' for the option ids of a ballot."""
    labels = [
        options_by_id[int(pk)].label
        for pk in option_ids or []
        if int(pk) in options_by_id
    ]
    return "、".join(labels)


@register.filter
def count_of(result, option) -> int:
    return result.count_for(option) if result is not None else 0


@register.filter
def option_input(option) -> str:
    """One option's radio button or check box, as `{{ option.tag }}` writes it,
    without a template per option (the cast page is the busiest at a deadline)."""
    data, attrs = option.data, option.data["attrs"]
    return format_html(
        '<input type="{}" name="{}" value="{}" id="{}"{}{}>',
        data["type"],
        data["name"],
        data["value"],
        attrs["id"],
        mark_safe(" required") if attrs.get("required") else "",
        mark_safe(" checked") if attrs.get("checked") else "",
    )
