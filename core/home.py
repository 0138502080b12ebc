"""What is happening now, on the community home page, from apps above residents.

residents imports nothing above it, so topics and council register their sections
here in their AppConfig.ready(). Each section is a template and a function
(request, community) -> context dict, or None when there is nothing to show.

A section that is the same for everyone who sees the community alike names the
`SharedFragments` its app keeps it in (`kept`): it is then rendered once per
community and viewer variant, until the app's services say the community changed
or the moment in the context's "kept_until" passes (a collection period closes).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from .fragments import Expiring, SharedFragments, kept_or_built


@dataclass(frozen=True)
class HomeSection:
    order: int
    template_name: str
    context: Callable
    kept: SharedFragments | None = None


_SECTIONS: list[HomeSection] = []


def register_home_section(
    *,
    order: int,
    template_name: str,
    context: Callable,
    kept: SharedFragments | None = None,
) -> None:
    section = HomeSection(
        order=order, template_name=template_name, context=context, kept=kept
    )
    if section not in _SECTIONS:
        _SECTIONS.append(section)
        _SECTIONS.sort(key=lambda s: s.order)


def _render(section: HomeSection, request, community) -> Expiring:
    context = section.context(request, community)
    if context is None:
        return Expiring("", None)
    html = render_to_string(section.template_name, {"section": context}, request)
    return Expiring(html, context.get("kept_until"))


def home_sections(*, request, community, variant: tuple) -> list[SafeString]:
    """The sections to show, rendered, in order, skipping empty ones.

    `variant` must tell apart everyone who sees a section differently (the
    language, the viewer's roles in the community). The kept ones are read in
    one round trip.
    """
    kept = [section for section in _SECTIONS if section.kept is not None]
    found = dict(
        zip(
            kept,
            kept_or_built(
                [
                    (
                        section.kept,
                        str(community.pk),
                        variant,
                        lambda section=section: _render(section, request, community),
                    )
                    for section in kept
                ]
            ),
            strict=True,
        )
    )
    shown = []
    for section in _SECTIONS:
        if section in found:
            html = found[section]
        else:
            html = _render(section, request, community).value
        if html:
            shown.append(mark_safe(html))  # noqa: S308 - rendered by a template
    return shown
