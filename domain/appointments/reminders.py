"""The reminder of the day before: each confirmed visit of tomorrow (Riyadh's) is reminded once.

``reminded_at`` is set by a guarded UPDATE in the reminder's own transaction,
so two runs (or two workers) never remind the same visit twice, and a reminder
that rolls back is tried again on the next run.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from peewee import ModelSelect

from domain.dates import format_dual, now_riyadh
from domain.notifier import notify
from models import Appointment, AppointmentStatus, Branch, User, utcnow, write_transaction

Link = Callable[[Appointment], str]


def due_for_reminder(now: datetime | None = None) -> ModelSelect:
    """Tomorrow's confirmed appointments (Riyadh's calendar) not yet reminded, with person and branch."""
    tomorrow = (now or now_riyadh()).date() + timedelta(days=1)
    return (
        Appointment.select(Appointment, User, Branch)
        .join(User, on=Appointment.user == User.id)
        .switch(Appointment)
        .join(Branch, on=Appointment.branch == Branch.id)
        .where(
            (Appointment.date == tomorrow)
            & (Appointment.status == AppointmentStatus.CONFIRMED)
            & Appointment.reminded_at.is_null()
        )
        .order_by(Appointment.start, Appointment.id)
    )


def remind_tomorrows_visits(link: Link, slip_link: Link, now: datetime | None = None) -> int:
    """Remind each of tomorrow's visitors once (branch, day, time, the slip); return how many were reminded.

    ``link`` is the appointment's page (the portal notification), ``slip_link``
    the slip's full address (the SMS and e-mail carry it).
    """
    reminded = 0
    for appointment in due_for_reminder(now):
        with write_transaction():
            claimed = (
                Appointment.update(reminded_at=utcnow())
                .where(
                    (Appointment.id == appointment.id)
                    & Appointment.reminded_at.is_null()
                    & (Appointment.status == AppointmentStatus.CONFIRMED)
                )
                .execute()
            )
            if not claimed:
                continue
            message = _l(
                "Reminder: your appointment %(number)s is tomorrow, %(date)s, at %(time)s at %(branch)s. "
                "Your slip: %(slip)s",
                number=appointment.number,
                date=LazyString(format_dual, appointment.date),
                time=appointment.start,
                branch=appointment.branch,
                slip=slip_link(appointment),
            )
            notify(appointment.user, message, link=link(appointment))
        reminded += 1
    return reminded
