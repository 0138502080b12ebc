"""Which page numbers a list keeps rendered: its own links' pages, nothing typed."""

from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from core.params import kept_page, kept_page_number


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


@pytest.mark.parametrize(
    ("query", "page"),
    [
        ({}, 1),
        ({"page": "3"}, 3),
        ({"month": "2026-11", "sort": "name"}, 1),
        ({"page": "9"}, None),  # past the kept pages
        ({"page": "2", "x": "1"}, None),  # anything else: built for its reader
        ({"q": "王"}, None),
    ],
)
def test_a_list_keeps_its_own_links_pages_with_the_keys_it_names(query, page):
    assert (
        kept_page(QueryDict(urlencode(query)), kept=5, also=("month", "sort")) == page
    )
