"""Sections a higher app adds to a lower app's page (the meeting page, the topic page).

A lower app never imports a higher one, so the higher app registers a section here
in its AppConfig.ready(), naming the page: "council.meeting" gets the Meeting,
"topics.topic" the Topic. Each section is a template and a function
(request, obj) -> context dict, or None when there is nothing to show. The page's
template renders them with `{% load page_sections %}{% page_sections "council.meeting" meeting %}`.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PageSection:
    page: str
    order: int
    template_name: str
    context: Callable


_SECTIONS: dict[str, list[PageSection]] = {}


def register_page_section(
    *, page: str, order: int, template_name: str, context: Callable
) -> None:
    section = PageSection(
        page=page, order=order, template_name=template_name, context=context
    )
    sections = _SECTIONS.setdefault(page, [])
    if section not in sections:
        sections.append(section)
        sections.sort(key=lambda s: s.order)


def page_sections(*, page: str, request, obj) -> list[tuple[str, dict]]:
    """The (template, context) pairs to show on `page` for `obj`, in order."""
    shown = []
    for section in _SECTIONS.get(page, []):
        context = section.context(request, obj)
        if context is not None:
            shown.append((section.template_name, context))
    return shown
