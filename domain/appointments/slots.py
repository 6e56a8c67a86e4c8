"""Days, times and seats: when a branch opens, which slots are free, and taking a seat.

Seats are counted by the database. Taking one is a guarded
``UPDATE slot SET taken = taken + 1 WHERE id = ? AND taken < capacity`` whose
row count says whether a seat was left; the caller runs it in the same
transaction as the appointment's insert or move.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from domain import catalog
from domain.appointments.rules import refuse, window_days
from domain.catalog import national_holidays
from domain.dates import RIYADH, WEEKEND, now_riyadh
from models import Branch, Holiday, Region, Sector, Service, Slot

# --- Days and times ------------------------------------------------------


def _minutes(hhmm):
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


@lru_cache(maxsize=256)
def _day_plan(opens: str, closes: str, step: int) -> tuple[tuple[str, int], ...]:
    """((start, minute of the day), …) of a day from opening to closing; read once per plan."""
    first, last = _minutes(opens), _minutes(closes)
    step = max(step, 1)
    return tuple((f"{m // 60:02d}:{m % 60:02d}", m) for m in range(first, last - step + 1, step))


def plan_of(branch: Branch, service: Service, day: date | None = None) -> tuple[str, str, int, int] | None:
    """(opens, closes, slot minutes, seats) of the service at the branch on a day, from the branch's
    plan of that weekday (the branch's usual hours without a day); None when it does not open that weekday."""
    if day is None:
        return branch.opens, branch.closes, service.slot_minutes, service.slot_capacity
    return catalog.current().plan(branch, service, day.weekday())


def day_plan_starts(opens: str, closes: str, minutes: int) -> list[str]:
    """The start times of a day that opens and closes then, in slots of ``minutes``."""
    return [start for start, _minute in _day_plan(opens, closes, minutes)]


def _plan_times(plan) -> tuple[tuple[str, int], ...]:
    return _day_plan(plan[0], plan[1], plan[2]) if plan else ()


def slot_starts(branch: Branch, service: Service, day: date | None = None) -> list[str]:
    """The start times («07:30», «07:45», …) of a day: each slot ends by closing time."""
    return [start for start, _minute in _plan_times(plan_of(branch, service, day))]


def seats_per_slot(branch: Branch, service: Service, day: date) -> int:
    plan = plan_of(branch, service, day)
    return plan[3] if plan else 0


def slot_moment(day: date, start: str) -> datetime:
    """When a slot starts, in Riyadh time."""
    return datetime.combine(day, time(*divmod(_minutes(start), 60)), tzinfo=RIYADH)


def _started_before(day: date, now: datetime) -> float:
    """The minute of ``day`` (Riyadh) up to which its slots have started: -1 for a day to come, 1440 for a past one."""
    local = now.astimezone(RIYADH)
    if day > local.date():
        return -1
    if day < local.date():
        return 24 * 60
    return local.hour * 60 + local.minute + (local.second + local.microsecond / 1e6) / 60


def branch_holidays(branch: Branch) -> set[date]:
    """The days the branch is closed all day besides the weekend: national and its own."""
    own = {row.date for row in Holiday.select(Holiday.date).where((Holiday.branch == branch) & (Holiday.starts == ""))}
    return national_holidays() | own


def closed_hours(branch: Branch, days: list[date]) -> dict[date, list[tuple[int, int]]]:
    """{day: [(from minute, until minute)]} of the branch's closures of some hours on those days."""
    found = {}
    rows = Holiday.select(Holiday.date, Holiday.starts, Holiday.ends).where(
        (Holiday.branch == branch) & (Holiday.starts != "") & Holiday.date.in_(list(days))
    )
    for row in rows:
        found.setdefault(row.date, []).append((_minutes(row.starts), _minutes(row.ends)))
    return found


def _closed_at(minute: int, closures) -> bool:
    return any(first <= minute < last for first, last in closures)


def is_open_day(branch: Branch, day: date, holidays: set[date] | None = None) -> bool:
    holidays = branch_holidays(branch) if holidays is None else holidays
    return day.weekday() not in WEEKEND and day not in holidays and catalog.current().opens_on(branch, day.weekday())


def open_days(
    branch: Branch, now: datetime | None = None, count: int | None = None, holidays: set[date] | None = None
) -> list[date]:
    """The next ``count`` days the branch opens, from today (Riyadh)."""
    now = now or now_riyadh()
    count = count or window_days()
    holidays = branch_holidays(branch) if holidays is None else holidays
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


def free_times(
    branch: Branch,
    service: Service,
    day: date,
    now: datetime | None = None,
    taken: dict | None = None,
    closures: dict | None = None,
) -> list[tuple[str, int]]:
    """[(start, free seats)] for the slots of a day that have not started, are not closed and have a seat."""
    now = now or now_riyadh()
    taken = _taken(branch, service, [day]) if taken is None else taken
    closed = (closed_hours(branch, [day]) if closures is None else closures).get(day, ())
    started = _started_before(day, now)
    plan = plan_of(branch, service, day)
    default = (0, plan[3] if plan else 0)
    times = []
    for start, minute in _plan_times(plan):
        if minute <= started or _closed_at(minute, closed):
            continue
        used, capacity = taken.get((day, start), default)
        if used < capacity:
            times.append((start, capacity - used))
    return times


def day_availability(branch: Branch, service: Service, now: datetime | None = None) -> list[tuple[date, int]]:
    """[(day, number of free times)] for every open day of the window."""
    return [(day, times) for day, times, _seats in day_seats(branch, service, now)]


def day_seats(branch: Branch, service: Service, now: datetime | None = None) -> list[tuple[date, int, int]]:
    """[(day, number of free times, free seats)] for every open day of the window."""
    now = now or now_riyadh()
    days = open_days(branch, now)
    taken = _taken(branch, service, days)
    closures = closed_hours(branch, days)
    found = []
    for day in days:
        times = free_times(branch, service, day, now, taken, closures)
        found.append((day, len(times), sum(seats for _start, seats in times)))
    return found


# --- The window as a calendar ----------------------------------------------

# A Saudi week starts on Sunday (Python's 6).
FIRST_WEEKDAY = 6


@dataclass(frozen=True)
class CalendarDay:
    """One day of the booking calendar.

    ``kind`` is "free" (seats left), "full", "ended" (today, after its last slot
    has started), "closed" (weekend or holiday), "past" (before today) or
    "later" (after the window).
    """

    day: date
    kind: str
    seats: int = 0

    @property
    def offered(self) -> bool:
        """A day the branch opens within the window: a radio button, chosen or not."""
        return self.kind in ("free", "full", "ended")


def calendar_months(
    branch: Branch, service: Service, now: datetime | None = None, seats: list[tuple[date, int, int]] | None = None
) -> list[tuple[date, list[list[CalendarDay | None]]]]:
    """[(first of a month, weeks)] from this week to the window's last open day.

    A week is seven cells from Sunday; a cell is None when its day belongs to
    the month before or after (it is shown there).
    """
    now = now or now_riyadh()
    seats = day_seats(branch, service, now) if seats is None else seats
    if not seats:
        return []
    by_day = {day: (times, left) for day, times, left in seats}
    today, last = now.date(), seats[-1][0]
    last_start = max(
        (minute for _start, minute in _day_plan(branch.opens, branch.closes, service.slot_minutes)), default=-1
    )
    # From this week's Sunday to the last day's Saturday, within the months of today and of the last day.
    start = max(today - timedelta(days=(today.weekday() - FIRST_WEEKDAY) % 7), today.replace(day=1))
    end = min(last + timedelta(days=(FIRST_WEEKDAY - 1 - last.weekday()) % 7), _month_end(last))
    months: list[tuple[date, list[list[CalendarDay | None]]]] = []
    day = start
    while day <= end:
        if not months or day.day == 1:
            months.append((day.replace(day=1), []))
        weeks = months[-1][1]
        if not weeks or day.weekday() == FIRST_WEEKDAY:
            weeks.append([None] * ((day.weekday() - FIRST_WEEKDAY) % 7))
        weeks[-1].append(_calendar_day(day, today, last, by_day, _started_before(day, now) >= last_start))
        day += timedelta(days=1)
    for _first, weeks in months:
        weeks[-1].extend([None] * (7 - len(weeks[-1])))
    return months


def _month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _calendar_day(day, today, last, by_day, all_started):
    if day < today:
        return CalendarDay(day, "past")
    if day > last:
        return CalendarDay(day, "later")
    if day not in by_day:
        return CalendarDay(day, "closed")
    times, left = by_day[day]
    if times:
        return CalendarDay(day, "free", left)
    # Today after its last slot has started is over, not full.
    return CalendarDay(day, "ended" if day == today and all_started else "full")


def nearest_free_times(
    branch: Branch, service: Service, day: date, start: str | None, now: datetime | None = None, limit: int = 4
) -> list[tuple[str, int]]:
    """The free times of the day closest to the wanted one."""
    wanted = _minutes(start) if start else 0
    times = free_times(branch, service, day, now)
    return sorted(times, key=lambda item: (abs(_minutes(item[0]) - wanted), item[0]))[:limit]


def first_free_day(branch: Branch, service: Service, now: datetime | None = None) -> date | None:
    for day, free in day_availability(branch, service, now):
        if free:
            return day
    return None


# --- Where a service is given --------------------------------------------


def offers(branch: Branch, service: Service) -> bool:
    return catalog.current().offers(branch, service)


def regions_for(sector: Sector, service: Service) -> list[Region]:
    """The regions where a branch of the sector gives the service, in catalog order."""
    return catalog.current().regions_for(sector, service)


def branches_for(sector: Sector, service: Service, region: Region) -> list[Branch]:
    """The sector's branches in the region that give the service, by city then position (shared records)."""
    return catalog.current().branches_for(sector, service, region)


def other_branches_with_free_days(
    branch: Branch, service: Service, now: datetime | None = None
) -> list[tuple[Branch, date]]:
    """[(branch, first free day)] at the region's other branches that give the service."""
    found = []
    for other in branches_for(branch.sector, service, branch.city.region):
        if other.id == branch.id:
            continue
        day = first_free_day(other, service, now)
        if day:
            found.append((other, day))
    return sorted(found, key=lambda item: item[1])


def check_choice(
    branch: Branch, service: Service, day: date, start: str | None = None, now: datetime | None = None
) -> None:
    """Refuse a branch, day or time the rules do not allow; None when allowed."""
    now = now or now_riyadh()
    if not offers(branch, service):
        refuse("not_offered")
    if day < now.date():
        refuse("past")
    holidays = branch_holidays(branch)
    if not is_open_day(branch, day, holidays):
        refuse("closed")
    if day > open_days(branch, now, holidays=holidays)[-1]:
        refuse("beyond")
    if start is None:
        return
    if start not in slot_starts(branch, service, day):
        refuse("bad_time")
    if _closed_at(_minutes(start), closed_hours(branch, [day]).get(day, ())):
        refuse("closed_time")
    if slot_moment(day, start) <= now:
        refuse("past")


# --- Seats ---------------------------------------------------------------


def ensure_slot(branch: Branch, service: Service, day: date, start: str) -> Slot:
    """The slot row, made on first use; two people making it at once get the same row."""
    Slot.insert(
        branch=branch, service=service, date=day, start=start, capacity=seats_per_slot(branch, service, day)
    ).on_conflict_ignore().execute()
    return Slot.get((Slot.branch == branch) & (Slot.service == service) & (Slot.date == day) & (Slot.start == start))


def take_seat(slot_id: int) -> bool:
    """Take one seat of a slot; False when none is left. Only the database decides."""
    return bool(Slot.update(taken=Slot.taken + 1).where((Slot.id == slot_id) & (Slot.taken < Slot.capacity)).execute())


def free_seat(slot_id: int) -> None:
    Slot.update(taken=Slot.taken - 1).where((Slot.id == slot_id) & (Slot.taken > 0)).execute()
