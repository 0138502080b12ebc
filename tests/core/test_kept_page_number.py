"""Which page numbers a list keeps rendered: its own links' pages, nothing typed."""

import pytest

from core.params import kept_page_number


@pytest.mark.parametrize(
    ("value", "page"),
    [
        (None, 1),
        ("1", 1),
        ("02", 2),
        ("5", 5),
        ("6", None),  # past the kept pages: built for its reader
        ("0", None),
        ("-1", None),
        ("first", None),
        ("٣", None),  # a digit, but not ASCII
        ("²", None),
        ("", None),
        ("9" * 40, None),
    ],
)
def test_only_the_first_pages_the_links_lead_to_are_kept(value, page):
    assert kept_page_number(value, kept=5) == page
