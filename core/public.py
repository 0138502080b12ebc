"""What anyone may see of a community without logging in, from apps above residents.

The public page lives in residents, which imports nothing above it: council (and
later voting and outcomes) register their sections here in AppConfig.ready(). Each
section is a template and a function (request, community) -> context dict, or None
when there is nothing to show or the council keeps it private. A section shows
nothing personal: no names of residents, no phone numbers, no addresses.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PublicSection:
    order: int
    template_name: str
    context: Callable


_SECTIONS: list[PublicSection] = []


def register_public_section(
    *, order: int, template_name: str, context: Callable
) -> None:
    section = PublicSection(order=order, template_name=template_name, context=context)
    if section not in _SECTIONS:
        _SECTIONS.append(section)
        _SECTIONS.sort(key=lambda s: s.order)


def public_sections(*, request, community) -> list[tuple[str, dict]]:
    """The (template, context) pairs to show, in order, skipping empty ones."""
    shown = []
    for section in _SECTIONS:
        context = section.context(request, community)
        if context is not None:
            shown.append((section.template_name, context))
    return shown
