"""Appointments: open days, slots and their seats, booking, cancelling, attendance.

Seats are counted by the database. A booking is a guarded
``UPDATE slot SET taken = taken + 1 WHERE id = ? AND taken < capacity`` whose
row count says whether a seat was left, in the same transaction as the
appointment's insert; a unique partial index keeps one confirmed appointment
per person and service, and a unique submission token makes a double click
book once.
"""

import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from domain.catalog import national_holidays
from domain.dates import RIYADH, WEEKEND, now_riyadh
from domain.references import next_reference
from models import (
    Appointment,
    AppointmentStatus,
    Branch,
    BranchService,
    City,
    Holiday,
    Slot,
    utcnow,
    write_transaction,
)


STATUS_LABELS = {
    AppointmentStatus.CONFIRMED: _l("Confirmed"),
    AppointmentStatus.CANCELLED: _l("Cancelled"),
    AppointmentStatus.ATTENDED: _l("Attended"),
    AppointmentStatus.NO_SHOW: _l("Did not attend"),
}


def label(status):
    """An appointment's status in words, in the page language."""
    return STATUS_LABELS.get(status, status)


class BookingError(Exception):
    """A booking or change the rules refuse; ``code`` says which rule."""

    def __init__(self, code, message):
        super().__init__(code)
        self.code = code
        self.message = message


MESSAGES = {
    "not_offered": _l("This branch does not give the chosen service."),
    "other_region": _l("This branch is not in the chosen region. Choose one of the region's branches."),
    "closed": _l("The branch is closed on this day. Choose one of the open days below."),
    "past": _l("This day or time has already passed. Choose a later one."),
    "beyond": lambda: _l("Appointments can be booked only within the next %(days)s open days.", days=window_days()),
    "bad_time": _l("The branch gives no appointment at this time. Choose one of the times below."),
    "taken": _l("This time has just been taken. Choose another time; the nearest free times are below."),
    "already": _l("You already have an appointment for this service. Change or cancel it instead."),
    "changed": _l("This appointment was changed meanwhile. Look at it again."),
    "not_active": _l("This appointment is no longer active."),
    "not_today": _l("Attendance can be marked from the appointment's day."),
}


def refuse(code):
    message = MESSAGES[code]
    raise BookingError(code, message() if callable(message) else message)


# --- Days and times ------------------------------------------------------


def window_days():
    return current_app.config["BOOKING_WINDOW_DAYS"]


def _minutes(hhmm):
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def slot_starts(branch, service):
    """The start times («07:30», «07:45», …) of a day: each slot ends by closing time."""
    first, last = _minutes(branch.opens), _minutes(branch.closes)
    step = max(service.slot_minutes, 1)
    return [f"{m // 60:02d}:{m % 60:02d}" for m in range(first, last - step + 1, step)]


def slot_moment(day, start):
    """When a slot starts, in Riyadh time."""
    return datetime.combine(day, datetime.strptime(start, "%H:%M").time(), tzinfo=RIYADH)


def branch_holidays(branch):
    """The days the branch is closed besides the weekend: national and its own."""
    own = {row.date for row in Holiday.select(Holiday.date).where(Holiday.branch == branch)}
    return national_holidays() | own


def is_open_day(branch, day, holidays=None):
    holidays = branch_holidays(branch) if holidays is None else holidays
    return day.weekday() not in WEEKEND and day not in holidays


def open_days(branch, now=None, count=None):
    """The next ``count`` days the branch opens, from today (Riyadh)."""
    now = now or now_riyadh()
    count = count or window_days()
    holidays = branch_holidays(branch)
    days, day = [], now.date()
    while len(days) < count:
        if is_open_day(branch, day, holidays):
            days.append(day)
        day += timedelta(days=1)
    return days


def _taken(branch, service, days):
    """{(day, start): (taken, capacity)} for the slot rows that exist."""
    rows = Slot.select(Slot.date, Slot.start, Slot.taken, Slot.capacity).where(
        (Slot.branch == branch) & (Slot.service == service) & Slot.date.in_(list(days))
    )
    return {(row.date, row.start): (row.taken, row.capacity) for row in rows}


def free_times(branch, service, day, now=None, taken=None):
    """[(start, free seats)] for the slots of a day that have not started and have a seat."""
    now = now or now_riyadh()
    taken = _taken(branch, service, [day]) if taken is None else taken
    times = []
    for start in slot_starts(branch, service):
        if slot_moment(day, start) <= now:
            continue
        used, capacity = taken.get((day, start), (0, service.slot_capacity))
        if used < capacity:
            times.append((start, capacity - used))
    return times


def day_availability(branch, service, now=None):
    """[(day, number of free times)] for every open day of the window."""
    now = now or now_riyadh()
    days = open_days(branch, now)
    taken = _taken(branch, service, days)
    return [(day, len(free_times(branch, service, day, now, taken))) for day in days]


def nearest_free_times(branch, service, day, start, now=None, limit=4):
    """The free times of the day closest to the wanted one."""
    wanted = _minutes(start) if start else 0
    times = free_times(branch, service, day, now)
    return sorted(times, key=lambda item: (abs(_minutes(item[0]) - wanted), item[0]))[:limit]


def first_free_day(branch, service, now=None):
    for day, free in day_availability(branch, service, now):
        if free:
            return day
    return None


def offers(branch, service):
    return BranchService.select().where((BranchService.branch == branch) & (BranchService.service == service)).exists()


def branches_for(sector, service, region):
    """The sector's branches in the region that give the service, by city then position."""
    return (
        Branch.select(Branch, City)
        .join(City)
        .switch(Branch)
        .join(BranchService)
        .where((Branch.sector == sector) & (City.region == region) & (BranchService.service == service))
        .order_by(City.position, Branch.position)
    )


def other_branches_with_free_days(branch, service, now=None):
    """[(branch, first free day)] at the region's other branches that give the service."""
    found = []
    for other in branches_for(branch.sector, service, branch.city.region):
        if other.id == branch.id:
            continue
        day = first_free_day(other, service, now)
        if day:
            found.append((other, day))
    return sorted(found, key=lambda item: item[1])


def check_choice(branch, service, day, start=None, now=None):
    """Refuse a branch, day or time the rules do not allow; None when allowed."""
    now = now or now_riyadh()
    if not offers(branch, service):
        refuse("not_offered")
    if day < now.date():
        refuse("past")
    if not is_open_day(branch, day):
        refuse("closed")
    if day > open_days(branch, now)[-1]:
        refuse("beyond")
    if start is None:
        return
    if start not in slot_starts(branch, service):
        refuse("bad_time")
    if slot_moment(day, start) <= now:
        refuse("past")


# --- Booking and changes -------------------------------------------------


def ensure_slot(branch, service, day, start):
    """The slot row, made on first use; two people making it at once get the same row."""
    Slot.insert(
        branch=branch, service=service, date=day, start=start, capacity=service.slot_capacity
    ).on_conflict_ignore().execute()
    return Slot.get((Slot.branch == branch) & (Slot.service == service) & (Slot.date == day) & (Slot.start == start))


def take_seat(slot_id):
    """Take one seat of a slot; False when none is left. Only the database decides."""
    return bool(Slot.update(taken=Slot.taken + 1).where((Slot.id == slot_id) & (Slot.taken < Slot.capacity)).execute())


def free_seat(slot_id):
    Slot.update(taken=Slot.taken - 1).where((Slot.id == slot_id) & (Slot.taken > 0)).execute()


def active_appointment(user, service):
    return Appointment.get_or_none(
        (Appointment.user == user)
        & (Appointment.service == service)
        & (Appointment.status == AppointmentStatus.CONFIRMED)
    )


def new_submission_token():
    return secrets.token_urlsafe(24)


def book(user, branch, service, day, start, service_request=None, token=None, now=None):
    """Book a seat and save the appointment, or raise BookingError.

    Sending the same submission token twice returns the first appointment.
    """
    if token:
        done = Appointment.get_or_none(Appointment.submission_token == token)
        if done is not None and done.user_id == user.id:
            return done
    check_choice(branch, service, day, start, now)
    try:
        with write_transaction():
            slot = ensure_slot(branch, service, day, start)
            if not take_seat(slot.id):
                refuse("taken")
            appointment = Appointment.create(
                number=next_reference("appointment", "A"),
                user=user,
                branch=branch,
                service=service,
                slot=slot,
                date=day,
                start=start,
                request=service_request,
                submission_token=token or None,
            )
        appointment.just_booked = True
        return appointment
    except IntegrityError:
        if token:
            done = Appointment.get_or_none(Appointment.submission_token == token)
            if done is not None and done.user_id == user.id:
                return done
        if active_appointment(user, service) is not None:
            refuse("already")
        raise


def cancel(appointment):
    """Cancel a confirmed appointment and free its seat in the same transaction."""
    with write_transaction():
        changed = (
            Appointment.update(
                status=AppointmentStatus.CANCELLED,
                version=Appointment.version + 1,
                updated_at=utcnow(),
            )
            .where((Appointment.id == appointment.id) & (Appointment.status == AppointmentStatus.CONFIRMED))
            .execute()
        )
        if not changed:
            refuse("not_active")
        free_seat(appointment.slot_id)
    return Appointment.get_by_id(appointment.id)


def reschedule(appointment, day, start, now=None):
    """Move a confirmed appointment to another day or time of the same branch and service.

    The new seat is taken and the old one freed in one transaction; the
    appointment keeps its number.
    """
    if not appointment.is_active:
        refuse("not_active")
    check_choice(appointment.branch, appointment.service, day, start, now)
    if (day, start) == (appointment.date, appointment.start):
        return appointment
    with write_transaction():
        slot = ensure_slot(appointment.branch, appointment.service, day, start)
        if not take_seat(slot.id):
            refuse("taken")
        moved = (
            Appointment.update(
                slot=slot,
                date=day,
                start=start,
                version=Appointment.version + 1,
                updated_at=utcnow(),
            )
            .where(
                (Appointment.id == appointment.id)
                & (Appointment.version == appointment.version)
                & (Appointment.status == AppointmentStatus.CONFIRMED)
            )
            .execute()
        )
        if not moved:
            refuse("changed")
        free_seat(appointment.slot_id)
    return Appointment.get_by_id(appointment.id)


def mark_attendance(appointment, attended, now=None):
    """Record that the person came («حضر») or did not («لم يحضر»)."""
    now = now or now_riyadh()
    if appointment.status == AppointmentStatus.CANCELLED:
        refuse("not_active")
    if appointment.date > now.date():
        refuse("not_today")
    status = AppointmentStatus.ATTENDED if attended else AppointmentStatus.NO_SHOW
    Appointment.update(status=status, updated_at=utcnow()).where(
        (Appointment.id == appointment.id) & (Appointment.status != AppointmentStatus.CANCELLED)
    ).execute()
    return Appointment.get_by_id(appointment.id)
