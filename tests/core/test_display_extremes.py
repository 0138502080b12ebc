"""Display helpers render any stored value, even at the ends of the calendar."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django import forms
from django.utils import timezone, translation

from core.display import format_clock, format_day, format_when, time_left_text
from core.forms import BoundedDateField, BoundedDateTimeField

END = datetime.max.replace(tzinfo=UTC)  # 9999-12-31 23:59 UTC: year 10000 locally
START = datetime.min.replace(tzinfo=UTC)


@pytest.mark.parametrize("value", [END, START, END - timedelta(hours=3)])
def test_dates_at_the_ends_of_the_calendar_still_render(value):
    with translation.override("zh-hans"):
        assert format_when(value).startswith(str(value.year).zfill(4) + "年")
        assert format_day(value)
        assert format_clock(value)
        left = time_left_text(value, now=timezone.now())
        assert left == "" if value.year == 1 else left.endswith("天")


def test_time_left_until_the_end_of_the_calendar_counts_days():
    with translation.override("en"):
        assert time_left_text(END).endswith("days left")
        assert time_left_text(START) == ""


class Dates(forms.Form):
    when = BoundedDateTimeField(
        ahead=timedelta(days=365), input_formats=["%Y-%m-%dT%H:%M"]
    )
    past = BoundedDateTimeField(
        ahead=timedelta(0), input_formats=["%Y-%m-%dT%H:%M"], required=False
    )
    day = BoundedDateField(ahead=timedelta(days=365), required=False)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"when": "0001-01-01T00:00"}, "when", "请填写 2000年1月1日 或之后的日期。"),
        ({"when": "9999-12-31T23:59"}, "when", "请填写不晚于"),
        ({"when": "99999-01-01T00:00"}, "when", "有效"),
        (
            {"when": "2026-01-01T10:00", "past": "2031-01-01T10:00"},
            "past",
            "不能是将来",
        ),
        ({"when": "2026-01-01T10:00", "day": "0001-01-01"}, "day", "2000年1月1日"),
        ({"when": "2026-01-01T10:00", "day": "9999-12-31"}, "day", "不晚于"),
    ],
)
def test_bounded_fields_give_a_form_error_in_the_users_language(data, field, message):
    with translation.override("zh-hans"):
        form = Dates(data)
        assert not form.is_valid()
        assert message in " ".join(form.errors[field])


def test_bounded_fields_accept_sane_values():
    now = timezone.localtime()
    form = Dates(
        {
            "when": (now + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
            "past": now.strftime("%Y-%m-%dT%H:%M"),
            "day": date(2000, 1, 1).isoformat(),
        }
    )
    assert form.is_valid(), form.errors
