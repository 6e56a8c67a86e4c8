"""Booking, cancelling, moving an appointment, and the desk's attendance.

A booking takes a seat (``slots.take_seat``) and saves the appointment in one
transaction; a unique partial index keeps one confirmed appointment per person
and service, and a unique submission token makes a double click book once.
Each act tells the person, with a link the caller gives as ``record -> URL``.
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from peewee import IntegrityError

from domain import audit
from domain.appointments.rules import DESK_NOTE_MAX, REASON_MAX, early_minutes, label, refuse
from domain.appointments.slots import check_choice, ensure_slot, free_seat, slot_moment, take_seat
from domain.dates import format_dual, now_riyadh
from domain.errors import Conflict, Refused
from domain.notifier import notify
from domain.references import next_reference
from domain.reports import appointments as appointment_tallies
from domain.tokens import already_submitted
from models import (
    Appointment,
    AppointmentStatus,
    Branch,
    RequestEvent,
    Service,
    ServiceRequest,
    User,
    utcnow,
    write_transaction,
)

Link = Callable[[Appointment], str]
RequestLink = Callable[[ServiceRequest], str]


def _tell(appointment, message, link):
    """Send the person a notification (and SMS) about their appointment."""
    notify(appointment.user, message, link=link(appointment) if link else "")


def _case_news(kind, number, ref):
    """What the agent is told of the beneficiary's own step on the visit of their request."""
    if kind == "visit_booked":
        return _l("The beneficiary booked visit %(number)s for request %(ref)s.", number=number, ref=ref)
    if kind == "visit_moved":
        return _l("The beneficiary moved visit %(number)s for request %(ref)s.", number=number, ref=ref)
    if kind == "visit_cancelled":
        return _l("The beneficiary cancelled visit %(number)s for request %(ref)s.", number=number, ref=ref)
    return None


def _into_case(appointment, kind, author, body="", case_link=None):
    """Write a step of the visit into the timeline of the request it was booked for, if any.

    The beneficiary's own steps also tell the agent who owns the request (``case_link``: request -> URL).
    """
    if appointment.request_id is None:
        return
    if case_link is not None:
        service_request = appointment.request
        news = _case_news(kind, appointment.number, service_request.reference)
        if news is not None and service_request.assignee_id is not None:
            notify(service_request.assignee, news, link=case_link(service_request))
    RequestEvent.create(
        request=appointment.request_id,
        author=author,
        kind=kind,
        body=body,
        branch=appointment.branch_id,
        appointment_number=appointment.number,
        visit_date=appointment.date,
        visit_start=appointment.start,
    )


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
    case_link: RequestLink | None = None,
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
            _into_case(appointment, "visit_booked", user, case_link=case_link)
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


def cancel(appointment: Appointment, link: Link | None = None, case_link: RequestLink | None = None) -> Appointment:
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
        _into_case(cancelled, "visit_cancelled", cancelled.user, case_link=case_link)
        _tell(cancelled, _l("Appointment %(number)s is cancelled.", number=cancelled.number), link)
    return cancelled


def reschedule(
    appointment: Appointment,
    day: date,
    start: str,
    now: datetime | None = None,
    link: Link | None = None,
    case_link: RequestLink | None = None,
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
        if (day, start) != (appointment.date, appointment.start):
            _into_case(moved, "visit_moved", moved.user, case_link=case_link)
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


OUTCOMES = (AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW)


def attendance_window(appointment: Appointment) -> tuple[datetime, datetime]:
    """(from when «حضر» may be recorded, from when «لم يحضر» may): some minutes before, and the slot's end."""
    start = slot_moment(appointment.date, appointment.start)
    return start - timedelta(minutes=early_minutes()), start + timedelta(minutes=appointment.service.slot_minutes)


def _check_attendance_time(appointment, attended, now):
    if appointment.date != now.date():
        raise Refused(
            _l(
                "The outcome of this visit is recorded on its own day, %(date)s.",
                date=LazyString(format_dual, appointment.date),
            ),
            code="not_its_day",
        )
    attend_from, missed_from = attendance_window(appointment)
    if attended and now < attend_from:
        raise Refused(
            _l("«Attended» can be recorded from %(time)s.", time=attend_from.strftime("%H:%M")), code="too_early"
        )
    if not attended and now < missed_from:
        raise Refused(
            _l(
                "«Did not attend» can be recorded once the appointment's time has ended, from %(time)s.",
                time=missed_from.strftime("%H:%M"),
            ),
            code="not_ended",
        )


def mark_attendance(
    appointment: Appointment,
    attended: bool,
    desk: User,
    now: datetime | None = None,
    version=None,
    reason: str = "",
    note: str = "",
    rebook_link: Link | None = None,
    staff_link: RequestLink | None = None,
) -> Appointment:
    """Record that the person came («حضر») or did not («لم يحضر»), and who at the desk said so.

    Only on the visit's day: «حضر» from some minutes before its time, «لم يحضر»
    once its time has ended. Changing a recorded outcome needs a reason. The
    step goes into the request's timeline with the desk's note (staff only),
    the request's agent is told, and a missed visit tells the person how to
    book again (``rebook_link``). ``version`` is the appointment's as the desk
    saw it: another desk's outcome recorded meanwhile is a ``Conflict``.
    """
    now = (now or now_riyadh()).astimezone(slot_moment(appointment.date, appointment.start).tzinfo)
    reason, note = (reason or "").strip(), (note or "").strip()
    if appointment.status == AppointmentStatus.CANCELLED:
        refuse("not_active")
    if version is not None and str(version) != str(appointment.version):
        raise Conflict(appointment)
    status = AppointmentStatus.ATTENDED if attended else AppointmentStatus.NO_SHOW
    if appointment.status == status and not note:
        return appointment
    _check_attendance_time(appointment, attended, now)
    changing = appointment.status in OUTCOMES and appointment.status != status
    if changing and not reason:
        refuse("reason")
    if len(reason) > REASON_MAX:
        refuse("reason_long")
    if len(note) > DESK_NOTE_MAX:
        refuse("note_long")
    with write_transaction():
        changed = (
            Appointment.update(status=status, version=Appointment.version + 1, updated_at=utcnow())
            .where(
                (Appointment.id == appointment.id)
                & (Appointment.version == appointment.version)
                & (Appointment.status != AppointmentStatus.CANCELLED)
            )
            .execute()
        )
        if not changed:
            raise Conflict(Appointment.get_by_id(appointment.id))
        marked = Appointment.get_by_id(appointment.id)
        audit.record(desk, "appointment.attendance", "appointment", appointment.number, appointment.status, status)
        if appointment.status != status:
            appointment_tallies.status_changed(appointment, appointment.status, status)
            kind = "visit_attended" if attended else "visit_missed"
            _into_case(marked, kind, desk, body=reason if changing else "")
            _tell_the_case(marked, staff_link)
            if not attended:
                missed = _l(
                    "You did not attend appointment %(number)s. You can book a new appointment from this notification.",
                    number=marked.number,
                )
                _tell(marked, missed, rebook_link)
        if note and marked.request_id is not None:
            RequestEvent.create(request=marked.request_id, author=desk, kind="note", body=note, internal=True)
    return marked


def _tell_the_case(appointment, staff_link):
    """Tell the agent who owns the request how its visit went."""
    service_request = appointment.request
    if service_request is None or service_request.assignee_id is None:
        return
    notify(
        service_request.assignee,
        _l(
            "Visit %(number)s for request %(ref)s: %(status)s.",
            number=appointment.number,
            ref=service_request.reference,
            status=LazyString(label, appointment.status),
        ),
        link=staff_link(service_request) if staff_link else "",
    )
