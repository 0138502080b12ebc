"""HTML fragments rendered once per process, for inputs that decide them entirely.

The community menu depends only on the community's address, the user's roles there,
the language and the current section: the same for every resident of a community,
and the same until the code is deployed again. Rendering it on every page cost as much
as the rest of a small page's template, so each worker keeps the fragments it has
rendered, keyed by those inputs, with no invalidation to get wrong: a key that
changes (another role, a renamed slug) is a new fragment. The store is bounded,
oldest out first.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

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
