"""An appointment as an iCalendar file (RFC 5545), for «إضافة إلى التقويم».

The times are Riyadh's wall clock (Asia/Riyadh, UTC+3 all year, no daylight
saving), with the zone written out so a calendar needs no zone database.
"""

from datetime import UTC, datetime, timedelta

from domain.appointments.slots import slot_moment
from models import Appointment

RIYADH_ZONE = (
    "BEGIN:VTIMEZONE",
    "TZID:Asia/Riyadh",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0300",
    "TZOFFSETTO:+0300",
    "TZNAME:AST",
    "END:STANDARD",
    "END:VTIMEZONE",
)


def escape(text: str) -> str:
    """A TEXT value: backslash, semicolon, comma and line breaks escaped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def appointment_ics(
    appointment: Appointment,
    summary: str,
    location: str,
    description: str,
    url: str,
    uid_domain: str,
    now: datetime | None = None,
) -> bytes:
    """The appointment as one VEVENT; SEQUENCE follows its version, so a moved visit updates the entry."""
    start = slot_moment(appointment.date, appointment.start)
    end = start + timedelta(minutes=appointment.service.slot_minutes)
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Tawasul//Appointments//AR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *RIYADH_ZONE,
        "BEGIN:VEVENT",
        f"UID:{appointment.number}@{uid_domain}",
        f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
        f"SEQUENCE:{appointment.version}",
        f"DTSTART;TZID=Asia/Riyadh:{start:%Y%m%dT%H%M%S}",
        f"DTEND;TZID=Asia/Riyadh:{end:%Y%m%dT%H%M%S}",
        f"SUMMARY:{escape(summary)}",
        f"LOCATION:{escape(location)}",
        f"DESCRIPTION:{escape(description)}",
        f"URL:{url}",
        "STATUS:CONFIRMED",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER:-PT1H",
        f"DESCRIPTION:{escape(summary)}",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
