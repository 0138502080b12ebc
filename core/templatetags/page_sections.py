"""{% page_sections "council.meeting" meeting %}: render what higher apps registered."""

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from core.sections import page_sections as sections_for

register = template.Library()


@register.simple_tag(takes_context=True, name="page_sections")
def render_page_sections(context, page: str, obj):
    request = context.get("request")
    if request is None:
        return ""
    parts = [
        get_template(name).render(section_context, request)
        for name, section_context in sections_for(page=page, request=request, obj=obj)
    ]
    return mark_safe("".join(parts))  # noqa: S308 - rendered by our own templates
