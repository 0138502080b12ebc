"""{% page_sections "council.meeting" meeting %}: render what higher apps registered.

`kept=variant` lets the sections registered as kept come from the cache
(core.sections.rendered_page_sections).
"""

from django import template

from core.sections import rendered_page_sections

register = template.Library()


@register.simple_tag(takes_context=True, name="page_sections")
def render_page_sections(context, page: str, obj, kept=None):
    request = context.get("request")
    if request is None:
        return ""
    return rendered_page_sections(page=page, request=request, obj=obj, variant=kept)
