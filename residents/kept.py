"""A community page's body kept rendered for everyone who sees it alike."""

from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from core.fragments import Expiring, SharedFragments

from .predicates import viewer_key


def community_body(
    fragments: SharedFragments,
    request,
    community,
    *,
    keep: bool,
    choices: tuple,
    build: Callable[[], object],
) -> SafeString:
    """What `build()` renders for the page: kept in `fragments` per community,
    language, viewer (their roles there) and `choices` when `keep` says the
    choices are of a bounded set (filters, the first pages); else built for this
    reader alone. `build` may return core.fragments.Expiring."""
    if keep:
        variant = (
            community.slug,
            get_language(),
            *viewer_key(request.user, community),
            *choices,
        )
        html = fragments.get_or_build(str(community.pk), variant, build)
    else:
        html = build()
        if isinstance(html, Expiring):
            html = html.value
    return mark_safe(html)  # noqa: S308 - rendered by a template, escaped there
