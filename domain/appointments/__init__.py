"""Appointments: open days, slots and their seats, the booking wizard, booking,
cancelling, moving, attendance, and the kept slip.

``from domain import appointments as booking`` gives the whole public API:

- ``rules``: status labels, the refusals' messages (``Refused(message, code=…)``);
- ``slots``: days, times, seats and where a service is given;
- ``wizard``: the booking and change answers, checked step by step;
- ``booking``: the acts (book, cancel, reschedule, attendance) and the person's reads;
- ``desk``: what the branch desk looks up;
- ``slips``: the slip's PDF kept per version and language;
- ``reminders``: the reminder of the day before, sent once;
- ``print_jobs``: the desk's print of a whole day, rendered by the worker.
"""

from domain.appointments import print_jobs
from domain.appointments.booking import (
    Link,
    active_appointment,
    appointments_of,
    attendance_window,
    book,
    cancel,
    checked_appointment,
    mark_attendance,
    own_appointment,
    reschedule,
)
from domain.appointments.desk import NUMBER_PATTERN, at_branch, day_at_branch, number_in, of_national_id
from domain.appointments.ics import appointment_ics
from domain.appointments.reminders import due_for_reminder, remind_tomorrows_visits
from domain.appointments.rules import (
    DESK_NOTE_MAX,
    MESSAGES,
    REASON_MAX,
    STATUS_LABELS,
    label,
    message,
    refuse,
    window_days,
)
from domain.appointments.slips import slip_pdf
from domain.appointments.slots import (
    CalendarDay,
    branch_holidays,
    branches_for,
    calendar_months,
    check_choice,
    closed_hours,
    day_availability,
    day_seats,
    ensure_slot,
    first_free_day,
    free_seat,
    free_times,
    is_open_day,
    nearest_free_times,
    offers,
    open_days,
    other_branches_with_free_days,
    plan_of,
    regions_for,
    slot_moment,
    slot_starts,
    take_seat,
)
from domain.appointments.wizard import (
    STEPS,
    BookingState,
    ChangeState,
    DayAndTime,
    confirm_booking,
    confirm_change,
    parse_day,
)

__all__ = [
    "DESK_NOTE_MAX",
    "MESSAGES",
    "appointment_ics",
    "REASON_MAX",
    "NUMBER_PATTERN",
    "STATUS_LABELS",
    "STEPS",
    "BookingState",
    "ChangeState",
    "DayAndTime",
    "Link",
    "active_appointment",
    "appointments_of",
    "at_branch",
    "attendance_window",
    "book",
    "branch_holidays",
    "branches_for",
    "cancel",
    "check_choice",
    "checked_appointment",
    "closed_hours",
    "confirm_booking",
    "confirm_change",
    "day_at_branch",
    "day_availability",
    "day_seats",
    "calendar_months",
    "CalendarDay",
    "due_for_reminder",
    "ensure_slot",
    "first_free_day",
    "free_seat",
    "free_times",
    "is_open_day",
    "label",
    "mark_attendance",
    "message",
    "nearest_free_times",
    "number_in",
    "of_national_id",
    "offers",
    "open_days",
    "other_branches_with_free_days",
    "own_appointment",
    "parse_day",
    "plan_of",
    "print_jobs",
    "refuse",
    "regions_for",
    "remind_tomorrows_visits",
    "reschedule",
    "slip_pdf",
    "slot_moment",
    "slot_starts",
    "take_seat",
    "window_days",
]
