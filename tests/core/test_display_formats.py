"""Dates read the same everywhere, as GLOSSARY.md writes them, in Beijing time."""

from datetime import UTC, date, datetime

import pytest
from django.utils import translation

from core.display import format_clock, format_day, format_when

CASES = [
    # (stored moment, Chinese, English)
    (
        datetime(2026, 11, 29, 6, 30, tzinfo=UTC),
        "2026年11月29日 星期日 14:30",
        "Sun 29 Nov 2026, 14:30",
    ),
    # 20:05 UTC is past midnight in Beijing: the next day, and its weekday.
    (
        datetime(2026, 12, 31, 20, 5, tzinfo=UTC),
        "2027年1月1日 星期五 04:05",
        "Fri 1 Jan 2027, 04:05",
    ),
    (
        datetime(2028, 2, 29, 1, 0, tzinfo=UTC),
        "2028年2月29日 星期二 09:00",
        "Tue 29 Feb 2028, 09:00",
    ),
]


@pytest.mark.parametrize(("moment", "chinese", "english"), CASES)
def test_a_moment_reads_as_the_glossary_writes_it(moment, chinese, english):
    with translation.override("zh-hans"):
        assert format_when(moment) == chinese
        assert format_day(moment) == chinese.split(" ")[0]
        assert format_clock(moment) == chinese.split(" ")[-1]
    with translation.override("en"):
        assert format_when(moment) == english
        assert format_day(moment) == english[4:].split(",")[0]


def test_a_date_without_a_time_reads_as_the_day():
    with translation.override("zh-hans"):
        assert format_day(date(2026, 3, 8)) == "2026年3月8日"
    with translation.override("en"):
        assert format_day(date(2026, 3, 8)) == "8 Mar 2026"
    assert format_when(None) == format_day(None) == format_clock(None) == ""
