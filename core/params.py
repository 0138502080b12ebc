"""Query parameters and fields posted without a form, made safe for the database.

PostgreSQL refuses NUL in text, and `int()` accepts digits such as "²" or "١" that
no id is made of. A form field does this checking itself; these helpers are for the
parameters a view reads by hand (`?q=`, `?category=`, a posted reason), so bad input
is cleaned or ignored, never a 500.
"""

import unicodedata

_KEEP = {"\n", "\r", "\t"}


def clean_text(value, *, max_length: int | None = None, strip: bool = True) -> str:
    """Return `value` as text without control characters (NUL above all).

    Line breaks and tabs stay, so a posted reason keeps its lines.
    """
    text = "" if value is None else str(value)
    text = "".join(ch for ch in text if ch in _KEEP or unicodedata.category(ch) != "Cc")
    if strip:
        text = text.strip()
    if max_length is not None:
        text = text[:max_length]
    return text


def query_text(params, name: str, *, max_length: int = 100) -> str:
    """The parameter `name` of a QueryDict, cleaned, stripped and cut to max_length."""
    return clean_text(params.get(name, ""), max_length=max_length)


def choice_or_default(value, choices, default: str = "") -> str:
    """`value` when it is one of `choices` (values), else `default`."""
    return value if isinstance(value, str) and value in set(choices) else default


def int_or_none(value) -> int | None:
    """A positive id written in ASCII digits, or None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value > 0 else None
    text = "" if value is None else str(value).strip()
    if not text or not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    number = int(text)
    return number or None


def kept_page_number(value, *, kept: int) -> int | None:
    """The page a list's own links ask for (none: the first) when it is one of
    its first `kept` pages, which are kept rendered; None for anything else."""
    if value is None:
        return 1
    number = int_or_none(value)
    return number if number is not None and number <= kept else None


def kept_page(params, *, kept: int, also=()) -> int | None:
    """The page a list's own link asks for, when it is kept rendered: the query
    holds `page` and the keys `also` names alone (a month, an order), and asks for
    one of the first `kept` pages. None for anything else: built for its reader."""
    if not set(params) <= {"page", *also}:
        return None
    return kept_page_number(params.get("page"), kept=kept)
