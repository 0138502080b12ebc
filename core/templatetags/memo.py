"""`{% memo_include "partials/_scripts.html" %}`: a template rendered once per worker
and language.

For the parts of base.html that read nothing but the language and the static
files' addresses (the stylesheets, the scripts): both are fixed for a worker's
life, so the part is rendered the first time and reused on every page.
"""

from django import template
from django.template.loader import render_to_string
from django.utils.translation import get_language

from core.fragments import FragmentMemo

register = template.Library()

PARTS = FragmentMemo(size=64)


@register.simple_tag
def memo_include(template_name: str):
    return PARTS.get_or_render(
        (template_name, get_language()), lambda: render_to_string(template_name)
    )
