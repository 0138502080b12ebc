"""Pages as a signed-in person gets them, for the tests of kept (cached) pages."""

from django.test import Client


def opened(user, path: str) -> str:
    """The HTML `user`, signed in, is served at `path`; any answer but 200 fails."""
    client = Client()
    client.force_login(user)
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    return page.content.decode()
