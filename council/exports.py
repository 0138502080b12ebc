"""iCalendar (RFC 5545) for a meeting, written by hand: CRLF, escaping, folding, UTC."""

from datetime import UTC, datetime

from django.utils import timezone

from .models import Meeting


def ics_escape(text: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and newlines."""
    return (
        (text or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def ics_fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts = []
    current = b""
    limit = 75
    for char in line:
        b = char.encode("utf-8")
        if len(current) + len(b) > limit:
            parts.append(current.decode("utf-8"))
            current = b""
            limit = 74  # continuation lines start with a space
        current += b
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def meeting_ics(meeting: Meeting, *, url: str, host: str) -> str:
    """Return a VCALENDAR with one VEVENT for the meeting."""
    description = meeting.description
    if description:
        description += "\n\n"
    description += url
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Yishihui//Council//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.pk}@{host.split(':')[0] or 'yishihui'}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"LAST-MODIFIED:{_utc(meeting.updated_at)}",
        f"SEQUENCE:{int(meeting.updated_at.timestamp())}",
        f"DTSTART:{_utc(meeting.starts_at)}",
        f"DTEND:{_utc(meeting.ends_at)}",
        f"SUMMARY:{ics_escape(meeting.title)}",
        f"DESCRIPTION:{ics_escape(description)}",
        f"URL:{url}",
        "STATUS:" + ("CANCELLED" if meeting.is_cancelled else "CONFIRMED"),
    ]
    location = meeting.location or meeting.online_link
    if location:
        lines.append(f"LOCATION:{ics_escape(location)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(ics_fold(line) for line in lines) + "\r\n"
