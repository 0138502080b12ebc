"""Pages as a signed-in person gets them, for the tests of kept (cached) pages."""

from django.test import Client


def opened(user, path: str) -> str:
    """The HTML `user`, signed in, is served at `path`; any answer but 200 fails."""
    client = Client()
    client.force_login(user)
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    return page.content.decode()


def kept_served(
    user, path: str, assert_max_queries, *, opens: int = 1, lookups: int = 0
) -> str:
    """The HTML at `path` once kept (after `opens` visits): the session's row and
    the login are all it may ask the database, and `lookups` more for what the
    URL names (the meeting whose check-in list it is); any answer but 200 fails.

    `assert_max_queries` is pytest-django's django_assert_max_num_queries.
    """
    client = Client()
    client.force_login(user)
    for _ in range(opens):
        client.get(path)
    with assert_max_queries(2 + lookups):  # the session's row and the login
        page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    return page.content.decode()


def kept_reads(user, path: str, monkeypatch) -> tuple[str, int]:
    """The HTML at `path` once kept (after one visit), and how many times the page
    read kept fragments from the cache (each a round trip)."""
    from django.core.cache import caches

    cache = caches["default"]
    client = Client()
    client.force_login(user)
    client.get(path)  # built
    reads = []
    get_many = cache.get_many

    def counted(keys, *args, **kwargs):
        if any(key.startswith("fragment") for key in keys):
            reads.append(keys)
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", counted)
    page = client.get(path)
    monkeypatch.undo()
    assert page.status_code == 200, (path, page.status_code)
    return page.content.decode(), len(reads)
