"""Where to send a person after a form: only back into this site."""

import unicodedata

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, fallback: str) -> str:
    """Return the `next` URL of the request if it points into this site, else `fallback`.

    Looks at POST first, then GET. Refuses other hosts, other schemes
    (`javascript:`), scheme-relative `//host` and anything with control characters.
    """
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if (
        candidate
        and not any(unicodedata.category(ch) == "Cc" for ch in candidate)
        and url_has_allowed_host_and_scheme(
            candidate,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        )
    ):
        return candidate
    return fallback
