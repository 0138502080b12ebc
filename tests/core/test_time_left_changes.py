"""time_left_changes_at: the next moment the "N days left" text reads differently,
so a kept page that shows it is rebuilt exactly then."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from core.display import time_left_changes_at, time_left_text

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "left",
    [
        timedelta(days=5, hours=3),
        timedelta(days=1),
        timedelta(hours=23, minutes=59, seconds=30),
        timedelta(hours=3, minutes=1),
        timedelta(minutes=59, seconds=59),
        timedelta(minutes=2, seconds=5),
        timedelta(minutes=1, seconds=59),
        timedelta(seconds=30),
    ],
)
def test_the_text_holds_until_the_moment_and_changes_then(left):
    until = NOW + left
    changes = time_left_changes_at(until, NOW)
    with translation.override("en"):
        shown = time_left_text(until, NOW)
        assert time_left_text(until, changes - timedelta(milliseconds=1)) == shown
        assert time_left_text(until, changes + timedelta(milliseconds=1)) != shown


def test_no_change_once_the_moment_has_passed():
    assert time_left_changes_at(NOW, NOW) is None
    assert time_left_changes_at(NOW - timedelta(hours=1), NOW) is None
    assert time_left_changes_at(None, NOW) is None
