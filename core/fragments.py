"""HTML fragments kept between requests: per process, or in the shared cache.

The community menu depends only on the community's address, the user's roles there,
the language and the current section: the same for every resident of a community,
and the same until the code is deployed again. Rendering it on every page cost as much
as the rest of a small page's template, so each worker keeps the fragments it has
rendered, keyed by those inputs, with no invalidation to get wrong: a key that
changes (another role, a renamed slug) is a new fragment. The store is bounded,
oldest out first.
"""

import hashlib
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import NamedTuple

from django.core.cache import cache
from django.db import transaction
from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe


class FragmentMemo:
    def __init__(self, size: int = 4096):
        self.size = size
        self._fragments: OrderedDict[Hashable, SafeString] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_render(self, key: Hashable, render: Callable[[], str]) -> SafeString:
        with self._lock:
            html = self._fragments.get(key)
            if html is not None:
                self._fragments.move_to_end(key)
                return html
        html = mark_safe(render())  # noqa: S308 - rendered by a template, escaped there
        with self._lock:
            self._fragments[key] = html
            while len(self._fragments) > self.size:
                self._fragments.popitem(last=False)
        return html

    def clear(self) -> None:
        with self._lock:
            self._fragments.clear()

    def __len__(self) -> int:
        return len(self._fragments)


# Kept HTML with forms holds this where each reader's own CSRF token goes: render
# with {"csrf_token": KEPT_CSRF_TOKEN} and serve through with_own_csrf_token().
KEPT_CSRF_TOKEN = "kept-csrf-token-placeholder"


def own_csrf_token(request) -> str:
    """The reader's CSRF token, masked once for the whole page (each masking draws
    32 random characters); a new one once the secret changes (rotated at login)."""
    kept = getattr(request, "_own_csrf_token", None)
    if kept is not None and kept[0] == request.META.get("CSRF_COOKIE"):
        return kept[1]
    token = get_token(request)
    request._own_csrf_token = (request.META.get("CSRF_COOKIE"), token)
    return token


def with_own_csrf_token(html: str, request) -> SafeString:
    """Kept HTML with the reader's CSRF token in its forms."""
    return mark_safe(html.replace(KEPT_CSRF_TOKEN, own_csrf_token(request)))  # noqa: S308


# Kept HTML can hold a part only some readers see (their own pledge, a button on
# what they may change) as <!--mine:KEY-->theirs<!--else-->everyone else's<!--/mine-->:
# with_own_parts() keeps the first for a reader whose own keys hold KEY, else the
# second. A template escapes "<" in what people wrote, so no text can forge one.
_OWN_PART = re.compile(r"<!--mine:([\w-]+)-->(.*?)<!--else-->(.*?)<!--/mine-->", re.S)


def with_own_parts(html: str, own: set[str]) -> SafeString:
    """Kept HTML as `own` (the reader's keys) sees it, the markers gone."""
    return mark_safe(  # noqa: S308 - rendered by a template, escaped there
        _OWN_PART.sub(lambda m: m[2] if m[1] in own else m[3], html)
    )


class Expiring(NamedTuple):
    """What a build returns when what it shows changes by itself at a moment.

    A collection period that closes, a meeting that starts, "3 days left" that
    becomes "2 days left": no service runs then, so the entry says until when it
    holds (None: until the scope changes).
    """

    value: object
    until: datetime | None


class SharedFragments:
    """Rendered parts of a page kept in the shared cache, per scope, until it changes.

    For what is the same for everyone who sees it alike (a topic's page of
    comments, for one language and one set of permissions): `get_or_build(scope,
    variant, build)` returns what `build()` made for that scope and variant as long
    as the scope has not changed since; the service that changes the scope says so
    with `changed(scope)`, which takes effect when its transaction commits.

    Each scope has a version in the cache and each entry remembers the version it
    was built under, both read in one round trip. A build that raced a change
    carries the old version and is never served; a version that is gone (evicted)
    is replaced by a new one, so nothing built before it can be trusted again.
    `timeout` bounds what a change no service announces (an author renamed) keeps.
    A build may return `Expiring(value, until)`: the entry is served only before
    `until`.

    What is built may depend on other scopes too: `also` (to get_or_build, or in
    kept_or_built's wanted) names other (fragments, scope) pairs, and `follows`
    other fragments whose same scope (a community's id) every entry depends on.
    An entry is served only while none of them has changed either: a page of a
    higher app is so forgotten by a lower app's services, which cannot name it.
    """

    def __init__(
        self, name: str, *, timeout: int, follows: tuple["SharedFragments", ...] = ()
    ):
        self.name = name
        self.timeout = timeout
        self.follows = tuple(follows)

    def _version_key(self, scope: str) -> str:
        return f"fragment-version:{self.name}:{scope}"

    def get_or_build(
        self,
        scope: str,
        variant: tuple,
        build: Callable[[], object],
        *,
        also: tuple = (),
    ):
        """`also`: other (fragments, scope) pairs what is built depends on; a
        change announced to any of them forgets it too."""
        return kept_or_built([(self, scope, variant, build, also)])[0]

    def _keys(self, scope: str, variant: tuple) -> tuple[str, str]:
        digest = hashlib.blake2b(repr(variant).encode(), digest_size=12).hexdigest()
        # "2": entries that carry an expiry (a deploy never reads the older kind).
        return self._version_key(scope), f"fragment:2:{self.name}:{scope}:{digest}"

    def _depends_on(self, scope: str, also) -> tuple:
        """(fragments, version key) of every scope an entry of `scope` depends on."""
        pairs = ((self, scope), *((f, scope) for f in self.follows), *also)
        return tuple((fragments, fragments._version_key(s)) for fragments, s in pairs)

    def _hit(self, found: dict, version_keys: tuple, entry_key: str):
        versions = [found.get(key) for _owner, key in version_keys]
        entry = found.get(entry_key)
        if (
            None not in versions
            and entry is not None
            and entry[0] == _one_or_all(versions)
            and (entry[2] is None or time.time() < entry[2])
        ):
            return entry[1]
        return None

    def _version(self, found: dict, version_key: str):
        version = found.get(version_key)
        if version is None:
            version = time.time_ns()
            if not cache.add(version_key, version, self.timeout):
                version = cache.get(version_key, version)
        return version

    def _build(self, found: dict, version_keys: tuple, entry_key, build):
        versions = _one_or_all(
            [owner._version(found, key) for owner, key in version_keys]
        )
        value, until = build(), None
        if isinstance(value, Expiring):
            value, until = value.value, value.until and value.until.timestamp()
        timeout = self.timeout
        if until is not None:
            timeout = min(timeout, math.ceil(until - time.time()))
        if timeout > 0:
            cache.set(entry_key, (versions, value, until), timeout)
        return value

    def changed(self, *scopes: str) -> None:
        """Forget every entry of these scopes once the current transaction commits
        (in one round trip, however many: a notice to a whole community)."""
        keys = [self._version_key(scope) for scope in scopes]
        if not keys:
            return
        # A version outlives every entry built under it (same timeout, set later);
        # when it is gone, a new one is made and no older entry is trusted.
        transaction.on_commit(
            lambda: cache.set_many(dict.fromkeys(keys, time.time_ns()), self.timeout),
            robust=True,
        )


def _one_or_all(versions: list):
    """What an entry stores: its scope's version, or the tuple of every scope's
    it depends on (`follows`, `also`)."""
    return versions[0] if len(versions) == 1 else tuple(versions)


def kept_or_built(wanted: list[tuple]) -> list:
    """`get_or_build` for several fragments of a page, read in one round trip.

    `wanted` holds (fragments, scope, variant, build), or (fragments, scope,
    variant, build, also) where `also` names other (fragments, scope) pairs the
    build depends on; the values come back in its order. Only the fragments
    missing or stale are built.
    """
    if not wanted:
        return []
    keyed = []
    for fragments, scope, variant, build, *rest in wanted:
        _version_key, entry_key = fragments._keys(scope, variant)
        versions = fragments._depends_on(scope, rest[0] if rest else ())
        keyed.append((fragments, build, versions, entry_key))
    found = cache.get_many(
        list(
            {key for *_, versions, entry in keyed for _o, key in versions}
            | {entry for *_, entry in keyed}
        )
    )
    values = []
    for fragments, build, version_keys, entry_key in keyed:
        value = fragments._hit(found, version_keys, entry_key)
        if value is None:
            value = fragments._build(found, version_keys, entry_key, build)
        values.append(value)
    return values
