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
What a section needs of the reader's own can come from the cache in the same
round trip: `reader` (registered with it) is called as reader(request, obj) for a
kept_or_built() wish (or None: nothing to read), and a kept section's own() then
as own(request, obj, mine, read) with what it gave, any other section's function
as (request, obj, read=read).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

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
    reader: Callable | None = None


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
    reader: Callable | None = None,
) -> None:
    if (kept is None) != (scope is None):
        raise ValueError("a kept section names both what keeps it and its scope")
    if (also is not None or own is not None) and kept is None:
        raise ValueError("only a kept section depends on other scopes or marks")
    if reader is not None and kept is not None and own is None:
        raise ValueError("a kept section reads for the reader only what own() marks")
    section = PageSection(
        page=page,
        order=order,
        template_name=template_name,
        context=context,
        kept=kept,
        scope=scope,
        also=also,
        own=own,
        reader=reader,
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


def _context(section: PageSection, request, obj, *, kept: bool, read=None):
    if section.kept is None:
        if section.reader is not None:
            return section.context(request, obj, read=read)
        return section.context(request, obj)
    return section.context(request, obj, kept=kept)


def _render(section: PageSection, request, obj, *, kept: bool, read=None) -> str:
    context = _context(section, request, obj, kept=kept, read=read)
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


def _as_read(section: PageSection, request, obj, entry, read=None) -> str:
    """The reader's HTML from a kept entry (`read`: what `reader` brought)."""
    html, mine = entry
    if section.own is not None and mine is not None:
        if section.reader is not None:
            return with_own_parts(html, section.own(request, obj, mine, read))
        return with_own_parts(html, section.own(request, obj, mine))
    return html


class SectionsWanted:
    """A page's sections as kept_or_built() wishes, for a view that reads them with
    its own kept parts in one round trip: `wanted` to add to its wishes, and
    `rendered(values)` with what came back for them, in order."""

    def __init__(self, *, page: str, request, obj, variant: tuple | None):
        self.page, self.request, self.obj = page, request, obj
        self.sections = _SECTIONS.get(page, [])
        self.kept = [
            s for s in self.sections if variant is not None and s.kept is not None
        ]
        self.wanted = [
            (
                section.kept,
                section.scope(obj),
                # "mine": entries of (html, mine), never an older kind
                (page, getattr(obj, "pk", None), "mine", *(variant or ())),
                lambda section=section: _kept_render(section, request, obj),
                section.also(obj) if section.also else (),
            )
            for section in self.kept
        ]
        # What each section reads of the reader's own, in the same trip: a kept
        # section's own() marks, another's function (a page open noted).
        self.readers = []
        for section in self.sections:
            if section.reader is None or (
                section.kept is not None and section not in self.kept
            ):
                continue
            wish = section.reader(request, obj)
            if wish is not None:
                self.readers.append(section)
                self.wanted.append(wish)

    def rendered(self, values: list) -> SafeString:
        """The sections' HTML, in order, empty ones left out."""
        values = list(values)
        found = dict(zip(self.kept, values[: len(self.kept)], strict=True))
        read = dict(zip(self.readers, values[len(self.kept) :], strict=True))
        shown = []
        for section in self.sections:
            entry = found.get(section)
            if entry is None:
                html = _render(
                    section, self.request, self.obj, kept=False, read=read.get(section)
                )
            else:
                html = _as_read(
                    section, self.request, self.obj, entry, read.get(section)
                )
            if html:
                shown.append(html)
        return mark_safe("".join(shown))  # noqa: S308 - rendered by our templates


def page_sections_wanted(
    *, page: str, request, obj, variant: tuple | None = None
) -> SectionsWanted:
    """The sections of `page` for `obj`: with `variant` (what tells apart everyone
    who sees the page differently: the language, the viewer's roles), the kept
    ones as wishes to read from the cache; without, every one is rendered."""
    return SectionsWanted(page=page, request=request, obj=obj, variant=variant)


def rendered_page_sections(
    *, page: str, request, obj, variant: tuple | None = None
) -> SafeString:
    """The sections of `page` for `obj`, rendered, in order (the kept ones read in
    one round trip)."""
    sections = page_sections_wanted(
        page=page, request=request, obj=obj, variant=variant
    )
    return sections.rendered(kept_or_built(sections.wanted) if sections.wanted else [])
