"""The requests report: received, answered and closed; answered on time; overdue now; time to a first answer."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from peewee import fn

from domain import catalog
from domain.dates import riyadh_date, today
from domain.reports import tally
from domain.reports.periods import Period, Series, median_bound
from models import RequestEvent, RequestStatus, Role, ServiceRequest, User

RECEIVED, ANSWERED, ON_TIME, CLOSED = "received", "answered", "answered_on_time", "closed"
FIRST_ANSWER = "first_answer_h"
OPEN = "open"


# --- What the acts add -------------------------------------------------------------


def received(service_request: ServiceRequest) -> None:
    """Tally a new request, and owe its answer by its promised date."""
    tally.one(tally.REQUEST, service_request.service_id, tally.day_of(service_request.created_at), RECEIVED)
    tally.one(tally.REQUEST_DUE, service_request.sector_id, service_request.due_date, OPEN)


def status_moved(service_request: ServiceRequest, from_status: str, to_status: str) -> None:
    """Tally a closing, and take a request that is no longer owed an answer off (or back on) its promised day."""
    was_open, is_open = from_status in RequestStatus.OPEN, to_status in RequestStatus.OPEN
    if was_open != is_open:
        tally.one(tally.REQUEST_DUE, service_request.sector_id, service_request.due_date, OPEN, 1 if is_open else -1)
    if to_status == RequestStatus.CLOSED:
        tally.one(tally.REQUEST, service_request.service_id, today(), CLOSED)


def answered(service_request: ServiceRequest, at: datetime) -> None:
    """Tally a request's first answer: its day, whether it kept the promised date, and how long it took."""
    day = riyadh_date(at)
    hours = (at - service_request.created_at).total_seconds() / 3600
    measures = {ANSWERED: 1, tally.bucket(FIRST_ANSWER, tally.ANSWER_HOURS, hours): 1}
    if day <= service_request.due_date:
        measures[ON_TIME] = 1
    tally.add(tally.REQUEST, service_request.service_id, day, measures)


def rebuild() -> None:
    """Count the requests' tallies afresh from the records (after a bulk load, or for records from before them)."""
    counted = Counter()
    for service_id, created_at in ServiceRequest.select(ServiceRequest.service, ServiceRequest.created_at).tuples():
        counted[(service_id, riyadh_date(created_at), RECEIVED)] += 1
    first_staff_reply = (
        RequestEvent.select(RequestEvent.request, fn.MIN(RequestEvent.created_at).alias("at"))
        .join(ServiceRequest)
        .where((RequestEvent.kind == "reply") & (RequestEvent.author != ServiceRequest.user))
        .group_by(RequestEvent.request)
    )
    replies = (
        ServiceRequest.select(
            ServiceRequest.service, ServiceRequest.created_at, ServiceRequest.due_date, first_staff_reply.c.at
        )
        .join(first_staff_reply, on=(ServiceRequest.id == first_staff_reply.c.request_id))
        .tuples()
    )
    for service_id, created_at, due_date, at in replies:
        at = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
        day = riyadh_date(at)
        counted[(service_id, day, ANSWERED)] += 1
        hours = (at - created_at).total_seconds() / 3600
        counted[(service_id, day, tally.bucket(FIRST_ANSWER, tally.ANSWER_HOURS, hours))] += 1
        if day <= due_date:
            counted[(service_id, day, ON_TIME)] += 1
    closings = (
        RequestEvent.select(ServiceRequest.service, RequestEvent.created_at)
        .join(ServiceRequest)
        .where(RequestEvent.to_status == RequestStatus.CLOSED)
        .tuples()
    )
    for service_id, at in closings:
        counted[(service_id, riyadh_date(at), CLOSED)] += 1
    tally.replace(tally.REQUEST, counted)
    owed = (
        ServiceRequest.select(ServiceRequest.sector, ServiceRequest.due_date, fn.COUNT(ServiceRequest.id))
        .where(ServiceRequest.status.in_(RequestStatus.OPEN))
        .group_by(ServiceRequest.sector, ServiceRequest.due_date)
        .tuples()
    )
    tally.replace(tally.REQUEST_DUE, Counter({(sector, day, OPEN): n for sector, day, n in owed}))


def is_first_staff_answer(service_request: ServiceRequest) -> bool:
    """True when no one but the beneficiary has replied to the request yet."""
    return not (
        RequestEvent.select()
        .where(
            (RequestEvent.request == service_request.id)
            & (RequestEvent.kind == "reply")
            & (RequestEvent.author != service_request.user_id)
        )
        .exists()
    )


# --- The report ----------------------------------------------------------------------


@dataclass
class ServiceLine:
    sector: object
    service: object
    received: int = 0
    answered: int = 0
    on_time: int = 0
    closed: int = 0

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.answered if self.answered else None


@dataclass
class RequestsReport:
    period: Period
    days: Series
    weeks: Series
    # The services that received, answered or closed something in the period.
    lines: list[ServiceLine]
    total: ServiceLine
    overdue_by_sector: list[tuple[object, int]]
    median_first_answer_hours: int | None
    first_answer_buckets: list[tuple[str, int]] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(n for _, n in self.overdue_by_sector)


def report(period: Period, sectors: list) -> RequestsReport:
    """The requests of these sectors in the period, from their daily tallies."""
    cache = catalog.current()
    services = [service for sector in sectors for service in cache.services_of(sector)]
    by_day = tally.sums(tally.REQUEST, [s.id for s in services], period.first, period.last, by_day=True)
    by_service = tally.sums(tally.REQUEST, [s.id for s in services], period.first, period.last, by_scope=True)
    measures = (RECEIVED, ANSWERED, CLOSED)
    days = Series.of_days(period, measures, by_day)
    lines = []
    total = ServiceLine(sector=None, service=None)
    for service in services:
        key = str(service.id)
        line = ServiceLine(
            sector=service.sector,
            service=service,
            received=by_service[(key, RECEIVED)],
            answered=by_service[(key, ANSWERED)],
            on_time=by_service[(key, ON_TIME)],
            closed=by_service[(key, CLOSED)],
        )
        for name in ("received", "answered", "on_time", "closed"):
            setattr(total, name, getattr(total, name) + getattr(line, name))
        if line.received or line.answered or line.closed:
            lines.append(line)
    owed = tally.sums(
        tally.REQUEST_DUE, [s.id for s in sectors], None, date.fromordinal(today().toordinal() - 1), by_scope=True
    )
    overdue = [(sector, owed[(str(sector.id), OPEN)]) for sector in sectors]
    buckets = [
        (bound, sum(n for (_, measure), n in by_service.items() if measure == f"{FIRST_ANSWER}:{bound}"))
        for bound in [*map(str, tally.ANSWER_HOURS), "more"]
    ]
    return RequestsReport(
        period=period,
        days=days,
        weeks=days.by_week(),
        lines=lines,
        total=total,
        overdue_by_sector=overdue,
        median_first_answer_hours=median_bound(buckets),
        first_answer_buckets=buckets,
    )


def visible_sectors(user: User, sector_code: str | None) -> list:
    """The sectors a person's report covers: an agent's own, or all (or the one chosen) for an admin."""
    cache = catalog.current()
    if user.sector_id is not None and user.role != Role.ADMIN:
        return [cache.sector_by_id[user.sector_id]]
    chosen = cache.sector(sector_code) if sector_code else None
    return [chosen] if chosen is not None else list(cache.sectors)
