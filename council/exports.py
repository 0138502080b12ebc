"""iCalendar (RFC 5545) for meetings, written by the `icalendar` library.

The library escapes text, folds long lines at 75 octets (never inside a UTF-8
character) and ends lines with CRLF. Times are written in UTC, so every calendar
program shows them in its own zone.
"""

from datetime import UTC, datetime

from django.utils import timezone
from icalendar import Calendar, Event

from .models import Meeting

PRODID = "-//Yishihui//Council//ZH"


def ics_calendar(*, name: str = "") -> Calendar:
    """An empty VCALENDAR for events to be added to."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", "Asia/Shanghai")
    return calendar


def ics_uid(kind: str, pk: int, host: str) -> str:
    return f"{kind}-{pk}@{host.split(':')[0] or 'yishihui'}"


def ics_event(
    *,
    uid: str,
    summary: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    url: str,
    description: str = "",
    location: str = "",
    updated_at: datetime | None = None,
    cancelled: bool = False,
) -> Event:
    """One VEVENT, linking back to its page (URL, and the link in the description)."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    if updated_at is not None:
        event.add("last-modified", updated_at.astimezone(UTC))
        event.add("sequence", int(updated_at.timestamp()))
    event.add("dtstart", starts_at.astimezone(UTC))
    event.add("dtend", (ends_at or starts_at).astimezone(UTC))
    event.add("summary", summary)
    event.add("description", f"{description}\n\n{url}" if description else url)
    event.add("url", url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if location:
        event.add("location", location)
    return event


def meeting_event(meeting: Meeting, *, url: str, host: str) -> Event:
    return ics_event(
        uid=ics_uid("meeting", meeting.pk, host),
        summary=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        url=url,
        description=meeting.description,
        location=meeting.location or meeting.online_link,
        updated_at=meeting.updated_at,
        cancelled=meeting.is_cancelled,
    )


def meeting_ics(meeting: Meeting, *, url: str, host: str) -> str:
    """Return a VCALENDAR with one VEVENT for the meeting."""
    calendar = ics_calendar()
    calendar.add_component(meeting_event(meeting, url=url, host=host))
    return calendar.to_ical().decode("utf-8")
