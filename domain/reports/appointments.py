"""The appointments report: booked, attended, missed and cancelled per branch and day; seats offered and used;
the days and hours that fill first."""

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from peewee import fn

from domain import catalog
from domain.appointments.slots import day_plan_starts
from domain.catalog import national_holidays
from domain.dates import WEEKEND
from domain.reports import tally
from domain.reports.periods import Period, Series
from models import Appointment, AppointmentStatus, Holiday, Role, User

BOOKED = "booked"
STATUSES = (
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.ATTENDED,
    AppointmentStatus.NO_SHOW,
    AppointmentStatus.CANCELLED,
)
# Seats in use: every appointment of the day but the cancelled ones.
IN_USE = (AppointmentStatus.CONFIRMED, AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW)


def _hour(start: str) -> str:
    return f"hour:{start[:2]}"


# --- What the acts add -------------------------------------------------------------


def booked(appointment: Appointment) -> None:
    """Tally a new appointment on its visit's day and hour."""
    tally.add(
        tally.APPOINTMENT,
        appointment.branch_id,
        appointment.date,
        {BOOKED: 1, appointment.status: 1, _hour(appointment.start): 1},
    )


def status_changed(appointment: Appointment, from_status: str, to_status: str) -> None:
    """Move an appointment from one status to another on its day; a cancelled one frees its hour."""
    if from_status == to_status:
        return
    measures = Counter({from_status: -1, to_status: 1})
    if to_status == AppointmentStatus.CANCELLED:
        measures[_hour(appointment.start)] -= 1
    tally.add(tally.APPOINTMENT, appointment.branch_id, appointment.date, dict(measures))


def moved(appointment: Appointment, day, start) -> None:
    """Move an appointment, as it was, to another day or time of its branch."""
    status = appointment.status
    tally.add(
        tally.APPOINTMENT,
        appointment.branch_id,
        appointment.date,
        {BOOKED: -1, status: -1, _hour(appointment.start): -1},
    )
    tally.add(tally.APPOINTMENT, appointment.branch_id, day, {BOOKED: 1, status: 1, _hour(start): 1})


def rebuild() -> None:
    """Count the appointments' tallies afresh from the records."""
    counted = Counter()
    rows = (
        Appointment.select(
            Appointment.branch, Appointment.date, Appointment.status, Appointment.start, fn.COUNT(Appointment.id)
        )
        .group_by(Appointment.branch, Appointment.date, Appointment.status, Appointment.start)
        .tuples()
    )
    for branch_id, day, status, start, n in rows:
        counted[(branch_id, day, BOOKED)] += n
        counted[(branch_id, day, status)] += n
        if status != AppointmentStatus.CANCELLED:
            counted[(branch_id, day, _hour(start))] += n
    tally.replace(tally.APPOINTMENT, counted)


# --- The report ----------------------------------------------------------------------


@dataclass
class BranchLine:
    branch: object
    booked: int = 0
    attended: int = 0
    no_show: int = 0
    cancelled: int = 0
    offered: int = 0

    @property
    def used(self) -> int:
        return self.booked - self.cancelled

    @property
    def used_share(self) -> float | None:
        return self.used / self.offered if self.offered else None


@dataclass
class FillCell:
    used: int = 0
    offered: int = 0

    @property
    def share(self) -> float | None:
        return self.used / self.offered if self.offered else None


@dataclass
class AppointmentsReport:
    period: Period
    days: Series
    lines: list[BranchLine]
    total: BranchLine
    hours: list[str]
    # {(weekday, hour): FillCell}, weekday as Python's (Monday is 0).
    fill: dict[tuple[int, str], FillCell]
    weekdays: list[int]

    def fullest(self, count: int = 5) -> list[tuple[tuple[int, str], FillCell]]:
        cells = [(key, cell) for key, cell in self.fill.items() if cell.offered]
        return sorted(cells, key=lambda item: (-(item[1].share or 0), item[0]))[:count]


@lru_cache(maxsize=4096)
def _seats_per_hour(catalog_version: int, branch_id: int, weekday: int) -> tuple[tuple[str, int], ...]:
    """The seats a branch's plan of a weekday offers in each hour, read once per catalog version."""
    cache = catalog.current()
    branch = cache.branch_by_id[branch_id]
    per_hour = Counter()
    for service in cache.service_by_id.values():
        plan = cache.plan(branch, service, weekday) if cache.offers(branch, service) else None
        if plan is None:
            continue
        opens, closes, minutes, seats = plan
        for start in day_plan_starts(opens, closes, minutes):
            per_hour[start[:2]] += seats
    return tuple(sorted(per_hour.items()))


def _closed_days(branches, period) -> dict[int, set]:
    """{branch id: the days of the period it is closed besides the weekend}: national holidays and its own."""
    national = {day for day in national_holidays() if period.first <= day <= period.last}
    closed = {branch.id: set(national) for branch in branches}
    own = Holiday.select(Holiday.branch, Holiday.date).where(
        Holiday.branch.in_([branch.id for branch in branches]) & Holiday.date.between(period.first, period.last)
    )
    for branch_id, day in own.tuples():
        closed[branch_id].add(day)
    return closed


def _offered(branch, period, closed, fill) -> int:
    """The seats the branch's plan offered on the open days of the period, adding each hour's to ``fill``."""
    open_weekdays = Counter(day.weekday() for day in period.days if day.weekday() not in WEEKEND and day not in closed)
    offered, version = 0, catalog.current().version
    for weekday, days in open_weekdays.items():
        for hour, seats in _seats_per_hour(version, branch.id, weekday):
            fill.setdefault((weekday, hour), FillCell()).offered += seats * days
            offered += seats * days
    return offered


def report(period: Period, branches: list) -> AppointmentsReport:
    """The appointments at these branches in the period, from their daily tallies and the branches' plans."""
    scopes = [branch.id for branch in branches]
    by_day = tally.sums(tally.APPOINTMENT, scopes, period.first, period.last, by_day=True)
    by_branch = tally.sums(tally.APPOINTMENT, scopes, period.first, period.last, by_scope=True)
    measures = (BOOKED, AppointmentStatus.ATTENDED, AppointmentStatus.NO_SHOW, AppointmentStatus.CANCELLED)
    fill: dict[tuple[int, str], FillCell] = {}
    closed = _closed_days(branches, period)
    lines, total = [], BranchLine(branch=None)
    for branch in branches:
        key = str(branch.id)
        line = BranchLine(
            branch=branch,
            booked=by_branch[(key, BOOKED)],
            attended=by_branch[(key, AppointmentStatus.ATTENDED)],
            no_show=by_branch[(key, AppointmentStatus.NO_SHOW)],
            cancelled=by_branch[(key, AppointmentStatus.CANCELLED)],
            offered=_offered(branch, period, closed[branch.id], fill),
        )
        for name in ("booked", "attended", "no_show", "cancelled", "offered"):
            setattr(total, name, getattr(total, name) + getattr(line, name))
        lines.append(line)
    for (day, measure), n in by_day.items():
        if measure.startswith("hour:"):
            fill.setdefault((day.weekday(), measure[5:]), FillCell()).used += n
    hours = sorted({hour for _, hour in fill})
    weekdays = [day for day in (6, 0, 1, 2, 3, 4, 5) if any((day, hour) in fill for hour in hours)]
    return AppointmentsReport(
        period=period,
        days=Series.of_days(period, measures, by_day),
        lines=lines,
        total=total,
        hours=hours,
        fill=fill,
        weekdays=weekdays,
    )


def visible_branches(user: User, branch_code: str | None) -> list:
    """The branches a person's report covers: a desk's own, or all (or the one chosen) for an admin."""
    cache = catalog.current()
    branches = list(cache.branch_by_id.values())
    if user.role == Role.DESK:
        return [cache.branch_by_id[user.branch_id]]
    if user.role == Role.AGENT and user.sector_id is not None:
        branches = [branch for branch in branches if branch.sector_id == user.sector_id]
    chosen = cache.branch(branch_code) if branch_code else None
    return [chosen] if chosen is not None and chosen in branches else branches
