"""Display helpers for outcome pages and minutes (dates, labels, stars)."""

from datetime import date, datetime

from django import template
from django.utils.dateparse import parse_date, parse_datetime

from core.display import format_day, format_when
from council.models import (
    AttendanceRole,
    AttendanceStatus,
    InvitationStatus,
    PassingThreshold,
)
from topics.models import ConsultationPosition
from voting.models import BallotKind, Electorate, OptionCode, RoundKind, RoundQuorum

register = template.Library()

LABELS = {
    "attendance": AttendanceStatus,
    "role": AttendanceRole,
    "reply": InvitationStatus,
    "position": ConsultationPosition,
    "ballot": BallotKind,
    "electorate": Electorate,
    "quorum": RoundQuorum,
    "threshold": PassingThreshold,
    "option": OptionCode,
    "round_kind": RoundKind,
}


def _parse(value):
    if isinstance(value, datetime | date) or not value:
        return value
    if len(value) == 10:  # "2026-12-10": a date (fromisoformat would make it naive)
        return parse_date(value)
    return parse_datetime(value)


@register.filter
def when(value) -> str:
    """A moment (or its ISO text) as 2026年11月29日 星期日 14:30."""
    value = _parse(value)
    if isinstance(value, datetime):
        return format_when(value)
    return format_day(value) if value else ""


@register.filter
def day(value) -> str:
    """A date (or its ISO text) as 2026年11月29日."""
    return format_day(_parse(value)) if value else ""


@register.filter
def label(value, kind: str) -> str:
    """The label of a stored code in the reader's language, e.g. "in_person"|label:"attendance"."""
    choices = LABELS.get(kind)
    if not value or choices is None:
        return value or ""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@register.filter
def stars(score) -> str:
    try:
        score = int(round(float(score)))
    except (TypeError, ValueError):
        return ""
    return "★" * score + "☆" * (5 - score)


@register.filter
def count_in(option, result) -> int:
    """Ballots for `option` in a RoundResult."""
    return result.count_for(option) if result is not None else 0


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
