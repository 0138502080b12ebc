"""Display helpers for voting pages and notifications."""

from django import template

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
