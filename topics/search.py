"""Search words for topics: Chinese text as overlapping pairs of characters.

Most searches are two-character words (路灯, 停车, 养老), which a trigram index
cannot find. Each run of Chinese characters in a topic's title and description
is kept as its overlapping pairs (路灯坏了 → 路灯 灯坏 坏了) in Topic.search_terms.
On PostgreSQL a GIN index over to_tsvector('simple', search_terms) finds the
topics holding every pair of the query; the substring test then keeps those
holding the query itself, so results are exactly those of a plain substring
search. A query without two Chinese characters in a row (灯, "lamp") and SQLite
use the substring test alone.
"""

import hashlib
import re

from django.core.cache import cache

_CHINESE_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def _pairs(text: str) -> list[str]:
    pairs: dict[str, None] = {}
    for run in _CHINESE_RUN.findall(text or ""):
        if len(run) == 1:
            pairs.setdefault(run)
        for i in range(len(run) - 1):
            pairs.setdefault(run[i : i + 2])
    return list(pairs)


def search_terms(*texts: str) -> str:
    """The pairs of Chinese characters in `texts`, each once, space-separated."""
    pairs: dict[str, None] = {}
    for text in texts:
        for pair in _pairs(text):
            pairs.setdefault(pair)
    return " ".join(pairs)


def query_pairs(query: str) -> list[str]:
    """The pairs every topic containing `query` holds ([] when it has none)."""
    return [pair for pair in _pairs(query) if len(pair) == 2]


def tsquery(pairs: list[str]) -> str:
    """A to_tsquery('simple', …) text requiring every pair (quoted, so literal)."""
    return " & ".join("'" + pair.replace("'", "''") + "'" for pair in pairs)


# How long a search is remembered for keeping its results (topics.views).
SEARCH_MEMORY_SECONDS = 10 * 60


def times_searched(*, community_id: int, query: str) -> int:
    """How often `query` was searched in the community lately, this time included.

    The topic list keeps the results of the searches asked again and again (路灯
    while the lights are out), not of every word anyone types: those would fill
    the cache.
    """
    digest = hashlib.blake2b(query.encode(), digest_size=12).hexdigest()
    key = f"topic-searches:{community_id}:{digest}"
    cache.add(key, 0, SEARCH_MEMORY_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # gone between the two calls
        return 1
