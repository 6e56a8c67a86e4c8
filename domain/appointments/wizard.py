"""The booking wizard: the answers given so far, each checked against the ones before it.

Codes come in, as the mapping a form sends (``sector``, ``service``,
``region``, ``branch``, ``date``, ``time``, or ``request`` for a request that
needs a visit); rows and errors come out. Reading stops at the first missing or
refused answer: later answers are dropped, and a refused one is kept in
``errors`` as {field: message}. Nothing here raises for a bad answer.

A slot's way from the form to its seat: ``date`` and ``time`` are read by
``_read_day_and_time`` (``check_choice``, then the day's free times); the
view calls ``confirm_booking`` or ``confirm_change``, which call
``booking.book`` or ``booking.reschedule``; those take the seat with
``slots.take_seat``, the guarded UPDATE.
"""

from collections.abc import Mapping
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from domain import catalog
from domain.appointments.booking import Link, RequestLink, active_appointment, book, reschedule
from domain.appointments.rules import message
from domain.appointments.slots import (
    branches_for,
    calendar_months,
    check_choice,
    day_seats,
    free_times,
    nearest_free_times,
    offers,
    other_branches_with_free_days,
    regions_for,
)
from domain.dates import parse_day
from domain.errors import Refused
from models import (
    Appointment,
    Branch,
    Region,
    RequestStatus,
    Sector,
    Service,
    ServiceRequest,
    User,
)

STEPS = ("sector", "service", "region", "branch", "date", "time")


class DayAndTime:
    """The wizard's last two steps, shared by booking and by «تعديل»: a day, then a time.

    A subclass sets ``branch``, ``service`` and ``reached`` before reading.
    """

    branch: Branch | None
    service: Service | None
    reached: str

    def __init__(self, now: datetime):
        self.now = now
        self.errors: dict[str, str] = {}
        self.day: date | None = None
        self.start: str | None = None
        self.wanted_start: str | None = None
        self._days = self._times = None

    def _read_day_and_time(self, values: Mapping[str, str]) -> None:
        text = values.get("date")
        if not text:
            return
        day = parse_day(text)
        if day is None:
            self.errors["date"] = str(_l("Choose a day from the list."))
            return
        try:
            check_choice(self.branch, self.service, day, now=self.now)
        except Refused as refused:
            self.errors["date"] = str(refused.message)
            return
        self.day, self.reached = day, "time"
        start = values.get("time")
        if not start:
            return
        try:
            check_choice(self.branch, self.service, day, start, now=self.now)
        except Refused as refused:
            self.errors["time"] = str(refused.message)
            return
        if start not in {free for free, _seats in self.times()}:
            self.errors["time"] = str(message("taken"))
            self.wanted_start = start
            return
        self.start, self.reached = start, "review"

    def back_to_time(self, refusal: str) -> None:
        """Go back to the time step after the chosen time was refused (taken meanwhile, say).

        The refused time is kept to offer the nearest free ones; the day's
        times are read again.
        """
        self.errors["time"] = str(refusal)
        self.wanted_start, self.start, self.reached = self.start, None, "time"
        self._times = None

    # The options of the two steps.

    def days(self) -> list[tuple[date, int]]:
        """[(day, free times)] of the branch's open days."""
        return [(day, times) for day, times, _seats in self._day_seats()]

    def _day_seats(self) -> list[tuple[date, int, int]]:
        if self._days is None:
            self._days = day_seats(self.branch, self.service, self.now)
        return self._days

    def calendar(self):
        """The window as months of weeks (``slots.calendar_months``)."""
        return calendar_months(self.branch, self.service, self.now, self._day_seats())

    def no_free_day(self) -> bool:
        return not any(free for _day, free in self.days())

    def times(self) -> list[tuple[str, int]]:
        """[(start, free seats)] of the chosen day."""
        if self._times is None:
            self._times = free_times(self.branch, self.service, self.day, self.now)
        return self._times

    def nearest_times(self) -> list[tuple[str, int]]:
        """The free times closest to the one that was refused."""
        return nearest_free_times(self.branch, self.service, self.day, self.wanted_start, self.now)

    def _answers(self) -> dict:
        return {"date": self.day and self.day.isoformat(), "time": self.start}

    def query(self, **changes) -> dict[str, str]:
        """The answers as query values, for links to a step or to another branch."""
        values = self._answers()
        values.update(changes)
        return {name: value for name, value in values.items() if value}


class BookingState(DayAndTime):
    """A new booking: sector, service, region, branch, then the day and time.

    ``unknown_request`` is True when ``request`` names no request of the
    person's that needs a visit (the view answers 404).
    """

    def __init__(self, values: Mapping[str, str], user: User, now: datetime):
        super().__init__(now)
        self.user = user
        self.service_request: ServiceRequest | None = None
        self.unknown_request = False
        self.sector: Sector | None = None
        self.service: Service | None = None
        self.region: Region | None = None
        self.branch: Branch | None = None
        self.reached = "sector"
        self._read(values)

    def _read(self, values):
        reference = values.get("request")
        if reference:
            self.service_request = ServiceRequest.get_or_none(
                (ServiceRequest.reference == reference)
                & (ServiceRequest.user == self.user)
                & (ServiceRequest.status == RequestStatus.NEEDS_VISIT)
            )
            if self.service_request is None:
                self.unknown_request = True
                return
            known = catalog.current()
            self.sector = known.sector_by_id.get(self.service_request.sector_id) or self.service_request.sector
            self.service = known.service_by_id.get(self.service_request.service_id) or self.service_request.service
        else:
            self.sector = catalog.current().sector(values.get("sector", ""))
            if self.sector is None:
                return
            self.service = catalog.current().service(self.sector, values.get("service", ""), "booking")
        self.reached = "service"
        if self.service is None:
            return
        self.reached = "region"
        self.region = catalog.current().region(values.get("region", ""))
        if self.region is None:
            return
        if self.region.id not in {region.id for region in self.regions()}:
            self.errors["region"] = str(_l("No branch in this region gives the chosen service. Choose another region."))
            self.region = None
            return
        self.reached = "branch"
        code = values.get("branch", "")
        if not code:
            return
        branch = catalog.current().branch(code)
        if branch is None or branch.sector_id != self.sector.id or not offers(branch, self.service):
            self.errors["branch"] = str(message("not_offered"))
            return
        if branch.city.region_id != self.region.id:
            self.errors["branch"] = str(message("other_region"))
            return
        self.branch = branch
        self.reached = "date"
        self._read_day_and_time(values)

    def require_time(self) -> None:
        """Refuse a review asked for before a time is chosen."""
        if self.reached == "time" and not self.errors:
            self.errors["time"] = str(_l("Choose a time."))

    def active_appointment(self) -> Appointment | None:
        """The person's confirmed appointment for the chosen service: one is the most they may have."""
        return active_appointment(self.user, self.service) if self.service else None

    # The options of each step.

    def sectors(self):
        return catalog.current().sectors

    def services_by_section(self):
        return catalog.current().service_groups(self.sector, "booking")

    def regions(self):
        return regions_for(self.sector, self.service)

    def branches_by_city(self):
        groups = {}
        for branch in branches_for(self.sector, self.service, self.region):
            groups.setdefault(branch.city, []).append(branch)
        return list(groups.items())

    def elsewhere(self) -> list[tuple[Branch, date]]:
        """The region's other branches with a free day, for a branch that has none."""
        return other_branches_with_free_days(self.branch, self.service, self.now)

    def _answers(self):
        values = (
            {"request": self.service_request.reference}
            if self.service_request
            else {"sector": self.sector and self.sector.code, "service": self.service and self.service.code}
        )
        values.update(region=self.region and self.region.code, branch=self.branch and self.branch.code)
        values.update(super()._answers())
        return values


class ChangeState(DayAndTime):
    """A new day and time for an appointment, at the same branch for the same service."""

    def __init__(self, appointment: Appointment, values: Mapping[str, str], now: datetime):
        super().__init__(now)
        self.appointment = appointment
        known = catalog.current()
        self.branch = known.branch_by_id.get(appointment.branch_id) or appointment.branch
        self.service = known.service_by_id.get(appointment.service_id) or appointment.service
        self.reached = "date"
        self._read_day_and_time(values)


def confirm_booking(
    state: BookingState, token: str | None = None, link: Link | None = None, case_link: RequestLink | None = None
) -> Appointment:
    """Book the reviewed answers, or raise Refused with the refusal also in ``state.errors``.

    A time taken meanwhile moves the state back to the time step.
    """
    if state.reached != "review":
        raise ValueError("the booking has unanswered steps")
    try:
        return book(
            state.user,
            state.branch,
            state.service,
            state.day,
            state.start,
            service_request=state.service_request,
            token=token,
            now=state.now,
            link=link,
            case_link=case_link,
        )
    except Refused as refused:
        if refused.code == "taken":
            state.back_to_time(refused.message)
        elif refused.code != "already":
            state.errors["time"] = str(refused.message)
        raise


def confirm_change(state: ChangeState, link: Link | None = None, case_link: RequestLink | None = None) -> Appointment:
    """Move the appointment to the chosen day and time, or raise Refused and go back to the time step."""
    if state.reached != "review":
        raise ValueError("the change has unanswered steps")
    try:
        return reschedule(state.appointment, state.day, state.start, now=state.now, link=link, case_link=case_link)
    except Refused as refused:
        state.back_to_time(refused.message)
        raise
