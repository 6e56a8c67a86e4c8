"""The words of the appointment pipeline: its statuses, and why a choice is refused."""

from typing import NoReturn

from flask import current_app
from flask_babel import lazy_gettext as _l

from domain.errors import Refused
from models import AppointmentStatus

STATUS_LABELS = {
    AppointmentStatus.CONFIRMED: _l("Confirmed"),
    AppointmentStatus.CANCELLED: _l("Cancelled"),
    AppointmentStatus.ATTENDED: _l("Attended"),
    AppointmentStatus.NO_SHOW: _l("Did not attend"),
}


def label(status: str) -> str:
    """An appointment's status in words, in the page language."""
    return STATUS_LABELS.get(status, status)


def window_days() -> int:
    """How many open days ahead an appointment can be booked."""
    return current_app.config["BOOKING_WINDOW_DAYS"]


# A refusal's code names the rule; views answer "taken" and "already" with 409.
MESSAGES = {
    "not_offered": _l("This branch does not give the chosen service."),
    "other_region": _l("This branch is not in the chosen region. Choose one of the region's branches."),
    "closed": _l("The branch is closed on this day. Choose one of the open days below."),
    "past": _l("This day or time has already passed. Choose a later one."),
    "beyond": lambda: _l("Appointments can be booked only within the next %(days)s open days.", days=window_days()),
    "bad_time": _l("The branch gives no appointment at this time. Choose one of the times below."),
    "closed_time": _l("The branch is closed at this time on this day. Choose one of the times below."),
    "taken": _l("This time has just been taken. Choose another time; the nearest free times are below."),
    "already": _l("You already have an appointment for this service. Change or cancel it instead."),
    "changed": _l("This appointment was changed meanwhile. Look at it again."),
    "not_active": _l("This appointment is no longer active."),
    "not_today": _l("Attendance can be marked from the appointment's day."),
    "reason": _l("Give the reason for changing the recorded outcome."),
    "reason_long": lambda: _l("The reason must be %(max)s characters or fewer.", max=REASON_MAX),
    "note_long": lambda: _l("The note must be %(max)s characters or fewer.", max=DESK_NOTE_MAX),
}

# The longest reason for changing an outcome, and the longest note the desk leaves for the sector.
REASON_MAX = 200
DESK_NOTE_MAX = 300


def early_minutes() -> int:
    """How many minutes before its time a visitor may be recorded as «حضر»."""
    return current_app.config["ATTENDANCE_EARLY_MINUTES"]


def message(code: str) -> str:
    """The message of a rule, in the page language (a lazy string)."""
    text = MESSAGES[code]
    return text() if callable(text) else text


def refuse(code: str) -> NoReturn:
    """Raise the refusal of a rule."""
    raise Refused(message(code), code=code)
