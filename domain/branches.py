"""Branches as «الإدارة» runs them: where they are, what they give, and each weekday's plan.

A plan is the hours of a weekday and, per service, the slot length and the
seats of each slot (``BranchDay``, ``BranchDayService``). A change is checked
against every coming confirmed appointment of the branch: it goes through only
if each keeps its time and its seat, and otherwise is refused with how many
appointments it would drop. Seats already taken are never given away.
"""

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from peewee import IntegrityError

from domain import audit, catalog
from domain.appointments.slots import _day_plan, _minutes
from domain.catalog_admin import TAKEN_CODE, checked_code, describe, guarded
from domain.dates import today
from domain.errors import Conflict, Refused
from models import (
    Appointment,
    AppointmentStatus,
    Branch,
    BranchDay,
    BranchDayService,
    BranchService,
    City,
    Sector,
    Service,
    Slot,
    User,
    write_transaction,
)

TIME_PATTERN = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
BAD_TIME = _l("Enter a time of day like 07:30.")
CLOSES_FIRST = _l("The closing time must come after the opening time.")
BRANCH_FIELDS = ("name_ar", "name_en", "city_id", "address_ar", "address_en", "opens", "closes", "position", "active")


def checked_hours(opens: str, closes: str) -> tuple[str, str]:
    if not TIME_PATTERN.fullmatch(opens or ""):
        raise Refused(BAD_TIME, code="opens")
    if not TIME_PATTERN.fullmatch(closes or ""):
        raise Refused(BAD_TIME, code="closes")
    if _minutes(closes) <= _minutes(opens):
        raise Refused(CLOSES_FIRST, code="closes")
    return opens, closes


def branches():
    """Every branch, retired ones too, by sector, city and position."""
    return list(
        Branch.select(Branch, City, Sector)
        .join(City)
        .switch(Branch)
        .join(Sector)
        .order_by(Sector.position, City.position, Branch.position, Branch.id)
    )


def offered(branch: Branch) -> list[Service]:
    """The services the branch gives, in catalog order."""
    return list(
        Service.select()
        .join(BranchService)
        .where(BranchService.branch == branch)
        .order_by(Service.position, Service.id)
    )


def weekday_plans(branch: Branch) -> dict[int, BranchDay]:
    return {day.weekday: day for day in BranchDay.select().where(BranchDay.branch == branch)}


def seats_of(day: BranchDay | None) -> dict[int, tuple[int, int]]:
    """{service id: (slot minutes, seats)} of a stored weekday plan."""
    if day is None:
        return {}
    rows = BranchDayService.select().where(BranchDayService.day == day)
    return {row.service_id: (row.slot_minutes, row.seats) for row in rows}


# --- What a change would drop -------------------------------------------


class Dropped(Refused):
    """The change would take the time or the seat of coming appointments; ``appointments`` are they."""

    def __init__(self, appointments):
        count = len(appointments)
        super().__init__(
            ngettext(
                "This change would drop %(num)d booked appointment. Keep its time and seats, or close the day "
                "from «Holidays and closures» to cancel and tell the person.",
                "This change would drop %(num)d booked appointments. Keep their times and seats, or close the "
                "days from «Holidays and closures» to cancel and tell the people.",
                count,
            ),
            code="dropped",
        )
        self.appointments = appointments


def coming_appointments(branch: Branch, weekday: int | None = None, on: date | None = None) -> list[Appointment]:
    """The branch's confirmed appointments from today on, one weekday's only when given."""
    rows = (
        Appointment.select(Appointment, User)
        .join(User)
        .where(
            (Appointment.branch == branch)
            & (Appointment.status == AppointmentStatus.CONFIRMED)
            & (Appointment.date >= (on or today()))
        )
        .order_by(Appointment.date, Appointment.start, Appointment.id)
    )
    return [a for a in rows if weekday is None or a.date.weekday() == weekday]


def _dropped(appointments, plan_for):
    """The appointments a plan would leave without their time or seat.

    ``plan_for(weekday, service_id)`` is the new (opens, closes, minutes, seats), or None when not given that day.
    """
    dropped, booked = [], {}
    for appointment in appointments:
        plan = plan_for(appointment.date.weekday(), appointment.service_id)
        starts = {start for start, _m in _day_plan(plan[0], plan[1], plan[2])} if plan else set()
        if appointment.start not in starts:
            dropped.append(appointment)
            continue
        key = (appointment.service_id, appointment.date, appointment.start)
        booked[key] = booked.get(key, 0) + 1
        if booked[key] > plan[3]:
            dropped.append(appointment)
    return dropped


def _refuse_dropping(appointments, plan_for):
    dropped = _dropped(appointments, plan_for)
    if dropped:
        raise Dropped(dropped)


def _current_plan(branch, services_by_id, offered_ids, hours=None, day_override=None):
    """A ``plan_for`` of the branch as stored, with its usual hours or one weekday replaced."""
    stored = weekday_plans(branch)
    seats = {weekday: seats_of(day) for weekday, day in stored.items()}
    opens, closes = hours or (branch.opens, branch.closes)

    def plan_for(weekday, service_id):
        if service_id not in offered_ids:
            return None
        service = services_by_id.get(service_id) or Service.get_by_id(service_id)
        if day_override is not None and weekday == day_override[0]:
            _, is_open, day_opens, day_closes, per_service = day_override
            if not is_open:
                return None
            minutes, count = per_service.get(service_id, (service.slot_minutes, service.slot_capacity))
            return day_opens, day_closes, minutes, count
        day = stored.get(weekday)
        if day is None:
            return opens, closes, service.slot_minutes, service.slot_capacity
        if not day.is_open:
            return None
        minutes, count = seats[weekday].get(service_id, (service.slot_minutes, service.slot_capacity))
        return day.opens, day.closes, minutes, count

    return plan_for


def _fit_seats(branch, weekday, per_service):
    """Give the coming slots of the weekday the plan's seats (never fewer than taken: checked before)."""
    rows = Slot.select(Slot.id, Slot.date, Slot.service).where((Slot.branch == branch) & (Slot.date >= today()))
    for row in rows:
        if row.date.weekday() == weekday and row.service_id in per_service:
            seats = per_service[row.service_id][1]
            if not Slot.update(capacity=seats).where((Slot.id == row.id) & (Slot.taken <= seats)).execute():
                raise Conflict(message=_l("A seat was booked meanwhile. Look at the plan again."))


# --- Acts ----------------------------------------------------------------


def open_branch(admin, code, sector, city, name_ar, name_en, address_ar, address_en, opens, closes, service_ids):
    """Open a branch of a sector in a city, giving the chosen services."""
    code = checked_code(code)
    opens, closes = checked_hours(opens, closes)
    try:
        with write_transaction():
            branch = Branch.create(
                code=code,
                sector=sector,
                city=city,
                name_ar=name_ar,
                name_en=name_en,
                address_ar=address_ar,
                address_en=address_en,
                opens=opens,
                closes=closes,
            )
            _offer(branch, sector, service_ids)
            audit.record(admin, "branch.open", "branch", code, "", _describe(branch))
            catalog.invalidate()
    except IntegrityError:
        raise Refused(TAKEN_CODE, code="code") from None
    return branch


def _offer(branch, sector, service_ids):
    wanted = {
        s.id for s in Service.select(Service.id).where((Service.sector == sector) & Service.id.in_(list(service_ids)))
    }
    existing = {row.service_id for row in BranchService.select().where(BranchService.branch == branch)}
    for service_id in wanted - existing:
        BranchService.create(branch=branch, service=service_id)
    if existing - wanted:
        BranchService.delete().where(
            (BranchService.branch == branch) & BranchService.service.in_(list(existing - wanted))
        ).execute()
    return wanted


def _describe(branch):
    services = ",".join(s.code for s in offered(branch))
    return describe(branch, BRANCH_FIELDS) + f"; services={services}"


def change_branch(
    admin, branch, version, city, name_ar, name_en, address_ar, address_en, opens, closes, service_ids, active
):
    """Change a branch; refused when coming appointments would lose their time (hours, a service, retiring)."""
    opens, closes = checked_hours(opens, closes)
    with write_transaction():
        current = Branch.get_by_id(branch.id)
        before = _describe(current)
        wanted = {
            s.id
            for s in Service.select(Service.id).where(
                (Service.sector == current.sector_id) & Service.id.in_(list(service_ids))
            )
        }
        services = {s.id: s for s in Service.select().where(Service.sector == current.sector_id)}
        plan_for = _current_plan(current, services, wanted if active else set(), hours=(opens, closes))
        _refuse_dropping(coming_appointments(current), plan_for)
        changed = guarded(
            Branch,
            current,
            version,
            city=city,
            name_ar=name_ar,
            name_en=name_en,
            address_ar=address_ar,
            address_en=address_en,
            opens=opens,
            closes=closes,
            active=active,
        )
        _offer(changed, current.sector_id, wanted)
        action = "retire" if current.active and not active else "change"
        audit.record(admin, f"branch.{action}", "branch", current.code, before, _describe(changed))
        catalog.invalidate()
    return changed


def save_weekday(admin, branch, weekday, version, is_open, opens, closes, per_service):
    """Set a weekday's plan: open or not, hours, and {service id: (slot minutes, seats)}.

    Returns how many coming appointments fall on that weekday (all keep their time and seat).
    """
    if is_open:
        opens, closes = checked_hours(opens, closes)
    else:
        # A closed weekday keeps whatever hours were typed only when they read as times.
        opens = opens if TIME_PATTERN.fullmatch(opens or "") else branch.opens
        closes = closes if TIME_PATTERN.fullmatch(closes or "") else branch.closes
    with write_transaction():
        current = Branch.get_by_id(branch.id)
        services = {s.id: s for s in offered(current)}
        per_service = {sid: value for sid, value in per_service.items() if sid in services}
        plan_for = _current_plan(
            current, services, set(services), day_override=(weekday, is_open, opens, closes, per_service)
        )
        touched = coming_appointments(current, weekday)
        _refuse_dropping(touched, plan_for)
        day = BranchDay.get_or_none((BranchDay.branch == current) & (BranchDay.weekday == weekday))
        before = _describe_day(day)
        try:
            if day is None:
                if str(version or "0") != "0":
                    raise Conflict()
                day = BranchDay.create(branch=current, weekday=weekday, is_open=is_open, opens=opens, closes=closes)
            else:
                day = guarded(BranchDay, day, version, is_open=is_open, opens=opens, closes=closes)
        except IntegrityError:
            raise Conflict() from None
        BranchDayService.delete().where(BranchDayService.day == day).execute()
        for service_id, (minutes, seats) in per_service.items():
            BranchDayService.create(day=day, service=service_id, slot_minutes=minutes, seats=seats)
        if is_open:
            _fit_seats(current, weekday, per_service)
        audit.record(admin, "branch.plan", "branch", current.code, before, _describe_day(day))
        catalog.invalidate()
    return len(touched)


def _describe_day(day):
    if day is None:
        return ""
    seats = ",".join(f"{sid}:{m}m×{n}" for sid, (m, n) in sorted(seats_of(day).items()))
    state = f"{day.opens}-{day.closes}" if day.is_open else "closed"
    return f"weekday={day.weekday}; {state}; {seats}"


def keep_service_defaults(service: Service, minutes: int, seats: int) -> None:
    """Refuse a new usual slot length or seats of a service that would drop a coming appointment.

    Only branch weekdays without a plan of their own for the service use them; their coming slots
    are given the new seats (never fewer than taken: checked first).
    """
    coming = (
        Appointment.select()
        .where(
            (Appointment.service == service)
            & (Appointment.status == AppointmentStatus.CONFIRMED)
            & (Appointment.date >= today())
        )
        .order_by(Appointment.branch, Appointment.date, Appointment.start)
    )
    by_branch = {}
    for appointment in coming:
        by_branch.setdefault(appointment.branch_id, []).append(appointment)
    slots = Slot.select(Slot.id, Slot.branch, Slot.date).where((Slot.service == service) & (Slot.date >= today()))
    slots_by_branch = {}
    for slot in slots:
        slots_by_branch.setdefault(slot.branch_id, []).append(slot)
    for branch_id in set(by_branch) | set(slots_by_branch):
        branch = Branch.get_by_id(branch_id)
        stored = weekday_plans(branch)
        own = {weekday: seats_of(day).get(service.id) for weekday, day in stored.items()}

        def plan_for(weekday, _service_id, branch=branch, stored=stored, own=own):
            day = stored.get(weekday)
            if day is not None and not day.is_open:
                return None
            hours = (day.opens, day.closes) if day is not None else (branch.opens, branch.closes)
            return (*hours, *(own.get(weekday) or (minutes, seats)))

        _refuse_dropping(by_branch.get(branch_id, []), plan_for)
        for slot in slots_by_branch.get(branch_id, []):
            if own.get(slot.date.weekday()) is not None:
                continue
            if not Slot.update(capacity=seats).where((Slot.id == slot.id) & (Slot.taken <= seats)).execute():
                raise Conflict(message=_l("A seat was booked meanwhile. Look at the plan again."))
