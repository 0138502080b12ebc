"""Sections a higher app adds to a lower app's page (the meeting page, the topic page).

A lower app never imports a higher one, so the higher app registers a section here
in its AppConfig.ready(), naming the page: "council.meeting" gets the Meeting,
"topics.topic" the Topic. Each section is a template and a function
(request, obj) -> context dict, or None when there is nothing to show. The page's
template renders them with `{% load page_sections %}{% page_sections "council.meeting" meeting %}`.

A section the same for everyone who sees the page alike can be kept rendered:
registered with `kept` (a SharedFragments its app's services announce changes to)
and `scope` (obj -> the scope they announce, the community's id), and with `also`
(obj -> other (fragments, scope) pairs it depends on: the meeting's own), its function is
called as (request, obj, kept=True) to build what is kept, and as (request, obj,
kept=False) when the page is built for one reader alone. The page says who sees
it alike: `{% page_sections "topics.topic" topic kept=variant %}`.

A kept section may also hold what is each reader's own, marked in its HTML
(core.fragments.with_own_parts: "you have voted" on an open round): its function
then answers KeptSection(context, until=..., mine=...), and `own` (registered
with it) is called as own(request, obj, mine) on every visit for the reader's
keys. `until` ends the entry when what it shows changes by the clock alone.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.template.loader import get_template

from .fragments import Expiring, SharedFragments, kept_or_built, with_own_parts


@dataclass(frozen=True)
class KeptSection:
    """A kept section's context, with until when it holds and what own() reads."""

    context: dict
    until: datetime | None = None
    mine: object = None


@dataclass(frozen=True)
class PageSection:
    page: str
    order: int
    template_name: str
    context: Callable
    kept: SharedFragments | None = None
    scope: Callable | None = None
    also: Callable | None = None
    own: Callable | None = None


_SECTIONS: dict[str, list[PageSection]] = {}


def register_page_section(
    *,
    page: str,
    order: int,
    template_name: str,
    context: Callable,
    kept: SharedFragments | None = None,
    scope: Callable | None = None,
    also: Callable | None = None,
    own: Callable | None = None,
) -> None:
    if (kept is None) != (scope is None):
        raise ValueError("a kept section names both what keeps it and its scope")
    if (also is not None or own is not None) and kept is None:
        raise ValueError("only a kept section depends on other scopes or marks")
    section = PageSection(
        page=page,
        order=order,
        template_name=template_name,
        context=context,
        kept=kept,
        scope=scope,
        also=also,
        own=own,
    )
    sections = _SECTIONS.setdefault(page, [])
    if section not in sections:
        sections.append(section)
        sections.sort(key=lambda s: s.order)


def page_sections(*, page: str, request, obj) -> list[tuple[str, dict]]:
    """The (template, context) pairs to show on `page` for `obj`, in order."""
    shown = []
    for section in _SECTIONS.get(page, []):
        context = _context(section, request, obj, kept=False)
        if context is not None:
            shown.append((section.template_name, context))
    return shown


def _context(section: PageSection, request, obj, *, kept: bool):
    if section.kept is None:
        return section.context(request, obj)
    return section.context(request, obj, kept=kept)


def _render(section: PageSection, request, obj, *, kept: bool) -> str:
    context = _context(section, request, obj, kept=kept)
    if context is None:
        return ""
    return get_template(section.template_name).render(context, request)


def _kept_render(section: PageSection, request, obj):
    """What a kept section's entry holds: (html, mine), until its `until`."""
    context = _context(section, request, obj, kept=True)
    if context is None:
        return ("", None)
    if isinstance(context, KeptSection):
        html = get_template(section.template_name).render(context.context, request)
        return Expiring((html, context.mine), context.until)
    return (get_template(section.template_name).render(context, request), None)


def _as_read(section: PageSection, request, obj, entry) -> str:
    """The reader's HTML from a kept entry."""
    html, mine = entry
    if section.own is not None and mine is not None:
        return with_own_parts(html, section.own(request, obj, mine))
    return html


def rendered_page_sections(
    *, page: str, request, obj, variant: tuple | None = None
) -> list[str]:
    """The sections of `page` for `obj`, rendered, in order, empty ones left out.

    With `variant` (what tells apart everyone who sees the page differently: the
    language, the viewer's roles), the kept sections come from the cache, read in
    one round trip; without, every section is rendered.
    """
    sections = _SECTIONS.get(page, [])
    kept = [s for s in sections if variant is not None and s.kept is not None]
    found = dict(
        zip(
            kept,
            kept_or_built(
                [
                    (
                        section.kept,
                        section.scope(obj),
                        # "mine": entries of (html, mine), never an older kind
                        (page, getattr(obj, "pk", None), "mine", *variant),
                        lambda section=section: _kept_render(section, request, obj),
                        section.also(obj) if section.also else (),
                    )
                    for section in kept
                ]
            )
            if kept
            else [],
            strict=True,
        )
    )
    shown = []
    for section in sections:
        entry = found.get(section)
        if entry is None:
            html = _render(section, request, obj, kept=False)
        else:
            html = _as_read(section, request, obj, entry)
        if html:
            shown.append(html)
    return shown
