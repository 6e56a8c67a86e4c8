"""National holidays and branch closures, and the appointments a closure cancels.

Closing a day (or some hours of it) that has appointments cancels each in the
closure's own transaction, frees its seat, audits it, and tells the person by
SMS and notification with the reason and the branch's first free times after
the closure, with a link to book again. The messages leave once the
transaction commits (``models.write_transaction``). Due dates of requests
count the new holiday from then on (``domain.requests.holidays``).
"""

import hashlib
from collections.abc import Callable
from datetime import date

from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from domain import audit, catalog
from domain.appointments.slots import _minutes, first_free_day, free_seat, free_times
from domain.branches import checked_hours
from domain.dates import format_dual, today
from domain.errors import Conflict, Refused
from domain.notifier import notify
from domain.reports import appointments as appointment_tallies
from models import Appointment, AppointmentStatus, Branch, Holiday, User, utcnow, write_transaction

PAST = _l("Choose today or a later day: a day gone by cannot be closed.")
ALREADY = _l("This day is already closed there.")
NATIONAL_WHOLE_DAY = _l("A national holiday takes the whole day. Choose a branch to close some hours.")
CHANGED = _l("The appointments of this day changed meanwhile. Here they are as they stand now; confirm again.")

# How many free times the message offers.
OFFERED_TIMES = 3

RebookLink = Callable[[Appointment, date | None], str]


def coming(branch: Branch | None = None) -> list[Holiday]:
    """The holidays and closures from today on, soonest first, with their branches."""
    query = Holiday.select().where(Holiday.date >= today()).order_by(Holiday.date, Holiday.starts, Holiday.id)
    if branch is not None:
        query = query.where((Holiday.branch == branch) | Holiday.branch.is_null())
    return list(query)


def checked(day: date | None, branch: Branch | None, starts: str, ends: str) -> tuple[str, str]:
    """Refuse a closure the rules do not allow; its hours («» «» for the whole day)."""
    if day is None:
        raise Refused(_l("Enter the day as YYYY-MM-DD, e.g. 2027-02-22."), code="day")
    if day < today():
        raise Refused(PAST, code="day")
    if starts or ends:
        if branch is None:
            raise Refused(NATIONAL_WHOLE_DAY, code="starts")
        starts, ends = checked_hours(starts, ends)
    whole = Holiday.select().where((Holiday.date == day) & (Holiday.starts == "") & Holiday.branch.is_null())
    if branch is not None:
        whole = Holiday.select().where(
            (Holiday.date == day) & (Holiday.starts == "") & ((Holiday.branch == branch) | Holiday.branch.is_null())
        )
    if whole.exists():
        raise Refused(ALREADY, code="day")
    return starts, ends


def affected(day: date, branch: Branch | None = None, starts: str = "", ends: str = "") -> list[Appointment]:
    """The confirmed appointments the closure would cancel, by branch and time, with their people."""
    query = (
        Appointment.select(Appointment, User)
        .join(User)
        .where((Appointment.date == day) & (Appointment.status == AppointmentStatus.CONFIRMED))
        .order_by(Appointment.branch, Appointment.start, Appointment.id)
    )
    if branch is not None:
        query = query.where(Appointment.branch == branch)
    found = list(query)
    if starts:
        first, last = _minutes(starts), _minutes(ends)
        found = [a for a in found if first <= _minutes(a.start) < last]
    return found


def fingerprint(appointments: list[Appointment]) -> str:
    """A short digest of which appointments a closure would cancel, to tell the list the admin saw."""
    ids = ",".join(str(a.id) for a in appointments)
    return hashlib.sha256(ids.encode()).hexdigest()[:16]


def _first_free(appointment) -> tuple[date | None, list[str]]:
    """The branch's first free day for the service after the closure, and its first free times."""
    known = catalog.current()
    branch = Branch.get_by_id(appointment.branch_id)
    service = known.service_by_id.get(appointment.service_id) or appointment.service
    day = first_free_day(branch, service)
    if day is None:
        return None, []
    return day, [start for start, _seats in free_times(branch, service, day)[:OFFERED_TIMES]]


def _cancel(admin, appointment, reason, link):
    changed = (
        Appointment.update(status=AppointmentStatus.CANCELLED, version=Appointment.version + 1, updated_at=utcnow())
        .where((Appointment.id == appointment.id) & (Appointment.status == AppointmentStatus.CONFIRMED))
        .execute()
    )
    if not changed:
        return False
    free_seat(appointment.slot_id)
    appointment_tallies.status_changed(appointment, AppointmentStatus.CONFIRMED, AppointmentStatus.CANCELLED)
    with force_locale("ar"):
        after = f"cancelled: {reason}"
        audit.record(admin, "appointment.cancel", "appointment", appointment.number, "confirmed", after)
    day, times = _first_free(appointment)
    if day is None:
        message = _l(
            "Appointment %(number)s on %(date)s at %(time)s is cancelled: %(reason)s. Book another at %(link)s",
            number=appointment.number,
            date=LazyString(format_dual, appointment.date),
            time=appointment.start,
            reason=reason,
            link=link(appointment, None),
        )
    else:
        message = _l(
            "Appointment %(number)s on %(date)s at %(time)s is cancelled: %(reason)s. "
            "The first free times are on %(day)s at %(times)s. Book again at %(link)s",
            number=appointment.number,
            date=LazyString(format_dual, appointment.date),
            time=appointment.start,
            reason=reason,
            day=LazyString(format_dual, day),
            times="، ".join(times),
            link=link(appointment, day),
        )
    notify(appointment.user, message, link=link(appointment, day))
    return True


def close(
    admin: User,
    day: date | None,
    branch: Branch | None,
    starts: str,
    ends: str,
    name_ar: str,
    name_en: str,
    seen: str,
    link: RebookLink,
) -> tuple[Holiday, list[Appointment]]:
    """Close a day nationwide or at a branch (some hours or the whole day), cancelling its appointments.

    ``seen`` is the ``fingerprint`` of the appointments the admin was shown; another list raises Conflict
    with the list as it stands.
    """
    starts, ends = checked(day, branch, starts, ends)
    with write_transaction():
        cancelled = affected(day, branch, starts, ends)
        if fingerprint(cancelled) != seen:
            raise Conflict(cancelled, message=CHANGED)
        holiday = Holiday.create(date=day, branch=branch, starts=starts, ends=ends, name_ar=name_ar, name_en=name_en)
        where = branch.code if branch else "national"
        hours = f" {starts}-{ends}" if starts else ""
        audit.record(admin, "closure.open", "closure", day.isoformat(), "", f"{where}{hours}: {name_ar}")
        catalog.invalidate()
        reason = LazyString(lambda: name_en if str(get_locale()) == "en" else name_ar)
        for appointment in cancelled:
            _cancel(admin, appointment, reason, link)
    return holiday, cancelled
