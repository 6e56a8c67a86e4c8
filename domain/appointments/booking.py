"""Booking, cancelling, moving an appointment, and the desk's attendance.

A booking takes a seat (``slots.take_seat``) and saves the appointment in one
transaction; a unique partial index keeps one confirmed appointment per person
and service, and a unique submission token makes a double click book once.
Each act tells the person, with a link the caller gives as ``record -> URL``.
"""

from collections.abc import Callable
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from peewee import IntegrityError

from domain import audit
from domain.appointments.rules import refuse
from domain.appointments.slots import check_choice, ensure_slot, free_seat, take_seat
from domain.dates import format_dual, now_riyadh
from domain.notifier import notify
from domain.references import next_reference
from domain.reports import appointments as appointment_tallies
from domain.tokens import already_submitted
from models import (
    Appointment,
    AppointmentStatus,
    Branch,
    Service,
    ServiceRequest,
    User,
    utcnow,
    write_transaction,
)

Link = Callable[[Appointment], str]


def _tell(appointment, message, link):
    """Send the person a notification (and SMS) about their appointment."""
    notify(appointment.user, message, link=link(appointment) if link else "")


# --- Reads ---------------------------------------------------------------


def active_appointment(user: User, service: Service) -> Appointment | None:
    """The person's confirmed appointment for the service, if any."""
    return Appointment.get_or_none(
        (Appointment.user == user)
        & (Appointment.service == service)
        & (Appointment.status == AppointmentStatus.CONFIRMED)
    )


def own_appointment(user: User, number: str) -> Appointment | None:
    """The person's appointment of that number; None for anyone else's."""
    return Appointment.get_or_none((Appointment.number == number) & (Appointment.user == user))


def checked_appointment(token: str) -> Appointment | None:
    """The appointment a slip's QR token names, for the public check page; None for an unknown token."""
    if not token or len(token) > 32:
        return None
    return Appointment.select(Appointment, Branch).join(Branch).where(Appointment.check_token == token).first()


def appointments_of(user: User) -> tuple[list[Appointment], list[Appointment]]:
    """The person's appointments: (the coming ones, soonest first; the rest, latest first)."""
    mine = list(
        Appointment.select(Appointment, Service, Branch)
        .join(Service)
        .switch(Appointment)
        .join(Branch)
        .where(Appointment.user == user)
        .order_by(Appointment.date.desc(), Appointment.start.desc())
    )
    coming = sorted((a for a in mine if a.is_active), key=lambda a: (a.date, a.start))
    past = [a for a in mine if not a.is_active]
    return coming, past


# --- Acts ----------------------------------------------------------------


def book(
    user: User,
    branch: Branch,
    service: Service,
    day: date,
    start: str,
    service_request: ServiceRequest | None = None,
    token: str | None = None,
    now: datetime | None = None,
    link: Link | None = None,
) -> Appointment:
    """Take a seat, save the appointment and tell the person, or raise Refused.

    Sending the same submission token twice returns the first appointment.
    """
    done = already_submitted(Appointment, token, user)
    if done is not None:
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
            appointment_tallies.booked(appointment)
            _tell(
                appointment,
                _l(
                    "Appointment %(number)s is booked at %(branch)s for %(date)s at %(time)s.",
                    number=appointment.number,
                    branch=branch,
                    date=LazyString(format_dual, appointment.date),
                    time=appointment.start,
                ),
                link,
            )
        return appointment
    except IntegrityError:
        done = already_submitted(Appointment, token, user)
        if done is not None:
            return done
        if active_appointment(user, service) is not None:
            refuse("already")
        raise


def cancel(appointment: Appointment, link: Link | None = None) -> Appointment:
    """Cancel a confirmed appointment, free its seat and tell the person, in one transaction."""
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
        cancelled = Appointment.get_by_id(appointment.id)
        appointment_tallies.status_changed(cancelled, AppointmentStatus.CONFIRMED, AppointmentStatus.CANCELLED)
        _tell(cancelled, _l("Appointment %(number)s is cancelled.", number=cancelled.number), link)
    return cancelled


def reschedule(
    appointment: Appointment, day: date, start: str, now: datetime | None = None, link: Link | None = None
) -> Appointment:
    """Move a confirmed appointment to another day or time of the same branch and service.

    The new seat is taken and the old one freed in one transaction; the
    appointment keeps its number, and the person is told.
    """
    if not appointment.is_active:
        refuse("not_active")
    check_choice(appointment.branch, appointment.service, day, start, now)
    with write_transaction():
        if (day, start) != (appointment.date, appointment.start):
            _move_seat(appointment, day, start)
        moved = Appointment.get_by_id(appointment.id)
        _tell(
            moved,
            _l(
                "Appointment %(number)s is moved to %(date)s at %(time)s.",
                number=moved.number,
                date=LazyString(format_dual, moved.date),
                time=moved.start,
            ),
            link,
        )
    return moved


def _move_seat(appointment, day, start):
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
    appointment_tallies.moved(appointment, day, start)


def mark_attendance(appointment: Appointment, attended: bool, desk: User, now: datetime | None = None) -> Appointment:
    """Record that the person came («حضر») or did not («لم يحضر»), and who at the desk said so."""
    now = now or now_riyadh()
    if appointment.status == AppointmentStatus.CANCELLED:
        refuse("not_active")
    if appointment.date > now.date():
        refuse("not_today")
    status = AppointmentStatus.ATTENDED if attended else AppointmentStatus.NO_SHOW
    with write_transaction():
        before = Appointment.get_by_id(appointment.id).status
        changed = (
            Appointment.update(status=status, updated_at=utcnow())
            .where((Appointment.id == appointment.id) & (Appointment.status != AppointmentStatus.CANCELLED))
            .execute()
        )
        if changed:
            audit.record(desk, "appointment.attendance", "appointment", appointment.number, before, status)
            appointment_tallies.status_changed(appointment, before, status)
    return Appointment.get_by_id(appointment.id)
