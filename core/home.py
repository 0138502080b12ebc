"""What is happening now, on the community home page, from apps above residents.

residents imports nothing above it, so topics and council register their sections
here in their AppConfig.ready(). Each section is a template and a function
(request, community) -> context dict, or None when there is nothing to show.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class HomeSection:
    order: int
    template_name: str
    context: Callable


_SECTIONS: list[HomeSection] = []


def register_home_section(*, order: int, template_name: str, context: Callable) -> None:
    section = HomeSection(order=order, template_name=template_name, context=context)
    if section not in _SECTIONS:
        _SECTIONS.append(section)
        _SECTIONS.sort(key=lambda s: s.order)


def home_sections(*, request, community) -> list[tuple[str, dict]]:
    """The (template, context) pairs to show, in order, skipping empty ones."""
    shown = []
    for section in _SECTIONS:
        context = section.context(request, community)
        if context is not None:
            shown.append((section.template_name, context))
    return shown
