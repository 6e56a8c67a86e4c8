"""The life of a request: sending it, its status pipeline, its deadline, and guarded changes.

A change is one UPDATE … WHERE id = ? AND version = ? that bumps the version:
when two agents act on the same request, the second finds no row to update
and is told so (``Conflict``), instead of silently overwriting the first.
Each act writes its event row and its notification in one transaction.
"""

import hashlib
import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import NamedTuple

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from domain import attachments, audit, catalog, counts, search
from domain.catalog import national_holidays
from domain.dates import add_working_days, format_dual, today
from domain.errors import Conflict, Refused
from domain.notifier import notify
from domain.references import next_reference
from domain.reports import requests as request_tallies
from domain.tokens import already_submitted, valid_token
from models import (
    Appointment,
    AppointmentStatus,
    Branch,
    City,
    RequestConfirmation,
    RequestEvent,
    RequestStatus,
    Role,
    SavedAddress,
    Section,
    Sector,
    Service,
    ServiceRequest,
    User,
    utcnow,
    write_transaction,
)

S = RequestStatus

# Makes the URL a notification points to, from the request it is about.
Link = Callable[[ServiceRequest], str]

STATUS_LABELS = {
    S.NEW: _l("New"),
    S.IN_PROGRESS: _l("In progress"),
    S.ANSWERED: _l("Answered"),
    S.CLOSED: _l("Closed"),
    S.NEEDS_VISIT: _l("Requires a branch visit"),
    S.WITHDRAWN: _l("Withdrawn"),
}


def label(status: str) -> str:
    """A request's status in words, in the page language."""
    return STATUS_LABELS.get(status, status)


# Where staff may move a request from each status. Withdrawing is the
# beneficiary's own move and is not in this table.
TRANSITIONS = {
    S.NEW: (S.IN_PROGRESS, S.ANSWERED, S.NEEDS_VISIT, S.CLOSED),
    S.IN_PROGRESS: (S.ANSWERED, S.NEEDS_VISIT, S.CLOSED),
    S.ANSWERED: (S.IN_PROGRESS, S.NEEDS_VISIT, S.CLOSED),
    S.NEEDS_VISIT: (S.IN_PROGRESS, S.ANSWERED, S.CLOSED),
    S.CLOSED: (),
    S.WITHDRAWN: (),
}

# The statuses in which the sector still owes an answer; past the due date they are overdue.
AWAITING_SECTOR = (S.NEW, S.IN_PROGRESS)

# The statuses a staff reply may leave the request in, the usual one first.
REPLY_STATUSES = (S.ANSWERED, S.IN_PROGRESS, S.NEEDS_VISIT, S.CLOSED)

# Why an act is refused; ``Refused.code`` names the rule.
EXPIRED = _l("This form has expired. Check what you typed and send it again.")
FINISHED = _l("This request is finished and takes no more replies.")
NOT_IN_LIST = _l("Choose one of the statuses in the list.")
OTHER_SECTOR = _l("This service is not one of the chosen sector's services. Choose a service from the list.")
NOT_A_BRANCH = _l("Choose a branch from the list.")

# The longest staff-only note on a request.
NOTE_MAX = 500

MY_REQUESTS_PER_PAGE = 10
INBOX_PAGE_SIZE = 20
CURSOR_PATTERN = re.compile(r"(\d{4}-\d{2}-\d{2})\.(\d{1,18})")


def can_move(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, ())


def next_statuses(status: str) -> tuple[str, ...]:
    """The statuses staff may choose next, in pipeline order."""
    return TRANSITIONS.get(status, ())


def reply_statuses(status: str) -> tuple[str, ...]:
    """The statuses a staff reply may leave the request in; empty when it is finished."""
    if status not in RequestStatus.OPEN:
        return ()
    return tuple(s for s in REPLY_STATUSES if s == status or can_move(status, s))


def can_withdraw(status: str) -> bool:
    return status in RequestStatus.OPEN


def holidays() -> set[date]:
    """The days that do not count towards a response time."""
    return national_holidays() | set(current_app.config.get("REQUEST_HOLIDAYS", ()))


def expected_response_date(service: Service, start: date | None = None, days_off: Iterable[date] | None = None) -> date:
    """The date the sector should answer by: the service's working days after start."""
    return add_working_days(start or today(), service.response_days, holidays() if days_off is None else days_off)


def is_overdue(service_request: ServiceRequest, on: date | None = None) -> bool:
    return service_request.status in AWAITING_SECTOR and service_request.due_date < (on or today())


# --- Reading -------------------------------------------------------------------------


def sectors() -> list[Sector]:
    """The sectors a beneficiary may write to, in catalog order (the catalog cache's shared records)."""
    return catalog.current().sectors


def sector_by_code(code: str) -> Sector | None:
    return catalog.current().sector(code)


def service_of(sector: Sector, code: str) -> Service | None:
    """The sector's service with this code, or None (also when another sector gives it)."""
    return catalog.current().service(sector, code)


def service_groups(sector: Sector | None) -> list[tuple[Section, list[Service]]]:
    """The sector's services as (section, [services]) pairs, for <optgroup>s."""
    return catalog.current().service_groups(sector)


def _with_catalog(row: ServiceRequest | None) -> ServiceRequest | None:
    """The request with its sector and service from the catalog cache, so reading them runs no query."""
    if row is not None:
        known = catalog.current()
        sector, service = known.sector_by_id.get(row.sector_id), known.service_by_id.get(row.service_id)
        if sector is not None and service is not None:
            row.sector, row.service = sector, service
    return row


def by_reference(reference: str) -> ServiceRequest | None:
    return _with_catalog(ServiceRequest.get_or_none(ServiceRequest.reference == reference))


def own_request(user: User, reference: str) -> ServiceRequest | None:
    """The beneficiary's request with this number; None for anyone else's."""
    return _with_catalog(
        ServiceRequest.get_or_none((ServiceRequest.reference == reference) & (ServiceRequest.user == user))
    )


def sector_request(sector_id: int, reference: str) -> ServiceRequest | None:
    """The sector's request with this number; None for another sector's."""
    return _with_catalog(
        ServiceRequest.get_or_none((ServiceRequest.reference == reference) & (ServiceRequest.sector == sector_id))
    )


class RequestsPage(NamedTuple):
    items: list[ServiceRequest]
    total: int
    pages: int


def my_requests(user: User, status: str | None = None, page: int = 1) -> RequestsPage:
    """One page of the beneficiary's requests («طلباتي»), newest first, optionally of one status."""
    query = ServiceRequest.of_user(user, status or None)
    # Counted on the person's own rows of the (user, created_at, id) index, not joined to the services.
    mine = ServiceRequest.select().where(ServiceRequest.user == user)
    total = (mine.where(ServiceRequest.status == status) if status else mine).count()
    pages = max(1, -(-total // MY_REQUESTS_PER_PAGE))
    # A page past the last is empty without asking the database for an offset it cannot hold.
    items = catalog.with_services(query.paginate(page, MY_REQUESTS_PER_PAGE)) if page <= pages else []
    return RequestsPage(items, total, pages)


def staff_sector(user: User) -> Sector | None:
    """The sector a staff member works for (the catalog cache's shared record), or None."""
    return catalog.current().sector_by_id.get(user.sector_id) if user.sector_id else None


def services_of(sector: Sector) -> list[Service]:
    """The sector's services by section, for a filter (the catalog cache's shared records)."""
    return catalog.current().services_of(sector)


def parse_cursor(value: str | None) -> tuple[date, int] | None:
    """The inbox's keyset cursor «YYYY-MM-DD.id», or None when absent or malformed."""
    match = CURSOR_PATTERN.fullmatch(value or "")
    if not match:
        return None
    try:
        return date.fromisoformat(match.group(1)), int(match.group(2))
    except ValueError:
        return None


# The agent's queues: their own open requests, nobody's, overdue, and those waiting for the beneficiary.
QUEUES = {
    "mine": _l("My requests"),
    "unassigned": _l("Unassigned"),
    "overdue": _l("Overdue"),
    "waiting": _l("Waiting for the beneficiary"),
}
# The statuses in which the beneficiary has the next move.
AWAITING_BENEFICIARY = (S.ANSWERED, S.NEEDS_VISIT)
# Queue counts past this show as «100+»: counting further would read the whole sector.
QUEUE_COUNT_CAP = 100


def _queue_filters(queue: str, agent: User | None) -> dict:
    if queue == "mine" and agent is not None:
        return {"assigned": agent}
    if queue == "unassigned":
        return {"assigned": False}
    return {}


def queue_counts(sector: Sector, agent: User) -> dict[str, str]:
    """How many requests each queue holds, as shown: «100+» past the cap.

    «بانتظار المستفيد» comes from the sector's summary rows; the others count
    at most ``QUEUE_COUNT_CAP`` + 1 rows of an index.
    """

    def capped(query):
        n = query.select(ServiceRequest.id).limit(QUEUE_COUNT_CAP + 1).count()
        return f"{QUEUE_COUNT_CAP}+" if n > QUEUE_COUNT_CAP else str(n)

    base = ServiceRequest.select().where(ServiceRequest.sector == sector)
    by_status = counts.by_status(counts.REQUEST, [sector.id])
    return {
        "mine": capped(
            ServiceRequest.select().where(
                (ServiceRequest.assignee == agent) & ServiceRequest.status.in_(RequestStatus.OPEN)
            )
        ),
        "unassigned": capped(
            base.where(ServiceRequest.assignee.is_null() & ServiceRequest.status.in_(RequestStatus.OPEN))
        ),
        "overdue": capped(base.where(ServiceRequest.status.in_(AWAITING_SECTOR) & (ServiceRequest.due_date < today()))),
        "waiting": str(sum(by_status.get(status, 0) for status in AWAITING_BENEFICIARY)),
    }


def inbox_page(
    sector: Sector,
    status: str = "",
    service: Service | None = None,
    overdue: bool = False,
    after: tuple[date, int] | None = None,
    queue: str = "",
    agent: User | None = None,
) -> tuple[list[ServiceRequest], str | None]:
    """One page of the sector's requests, oldest deadline first, and the cursor of the next page.

    ``status`` is one status, ``"all"``, or ``""`` for the open ones; ``overdue``
    keeps those past their date that still wait for the sector; ``queue`` is
    one of ``QUEUES`` (``agent`` is whose «طلباتي» it is).
    """
    overdue = overdue or queue == "overdue"
    statuses = RequestStatus.OPEN if status == "" else (None if status == "all" else (status,))
    if overdue and status == "":
        statuses = AWAITING_SECTOR
    if queue == "waiting" and status == "":
        statuses = AWAITING_BENEFICIARY
    query = ServiceRequest.inbox(
        sector,
        statuses=statuses,
        service=service,
        due_before=today() if overdue else None,
        after=after,
        **_queue_filters(queue, agent),
    )
    rows = catalog.with_services(query.limit(INBOX_PAGE_SIZE + 1))
    if len(rows) <= INBOX_PAGE_SIZE:
        return rows, None
    rows = rows[:INBOX_PAGE_SIZE]
    return rows, f"{rows[-1].due_date.isoformat()}.{rows[-1].id}"


# --- The case: a request and its branch visit --------------------------------------


def acted_as(author: User, service_request: ServiceRequest) -> str:
    """Who acted, as a role the beneficiary may read: never a staff member's own name."""
    if author.role == Role.AGENT:
        return _l("%(sector)s staff", sector=service_request.sector.name)
    if author.role == Role.DESK:
        return _l("Branch desk")
    if author.role == Role.ADMIN:
        return _l("Administration")
    return _l("Beneficiary")


def visit_of(service_request: ServiceRequest) -> Appointment | None:
    """The latest visit booked for the request, whatever became of it; None before any."""
    return (
        Appointment.select()
        .where(Appointment.request == service_request)
        .order_by(Appointment.created_at.desc(), Appointment.id.desc())
        .first()
    )


def needs_booking(service_request: ServiceRequest, visit: Appointment | None) -> bool:
    """True when the sector asked for a visit and none is booked or held since (none yet, cancelled, missed)."""
    if service_request.status != S.NEEDS_VISIT:
        return False
    if visit is None or visit.status in (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW):
        return True
    asked = (
        RequestEvent.select(RequestEvent.created_at)
        .where((RequestEvent.request == service_request) & (RequestEvent.to_status == S.NEEDS_VISIT))
        .order_by(RequestEvent.created_at.desc(), RequestEvent.id.desc())
        .tuples()
        .first()
    )
    # A visit made before the latest ask was for an earlier one: the new ask wants a new visit.
    return visit.status == AppointmentStatus.ATTENDED and asked is not None and visit.created_at < asked[0]


def visit_branches(service_request: ServiceRequest) -> list[Branch]:
    """The sector's branches that give the request's service, by region, city and position."""
    known = catalog.current()
    found = []
    for region in known.regions_for(service_request.sector, service_request.service):
        found.extend(known.branches_for(service_request.sector, service_request.service, region))
    return found


def beneficiary_region_id(user: User) -> int | None:
    """The region of the beneficiary's latest saved national address, if any."""
    row = (
        SavedAddress.select(City.region)
        .join(City)
        .where(SavedAddress.user == user)
        .order_by(SavedAddress.created_at.desc(), SavedAddress.id.desc())
        .tuples()
        .first()
    )
    return row[0] if row else None


def suggested_branch(service_request: ServiceRequest) -> Branch | None:
    """The branch to offer first: the one asked for before, else the first in the beneficiary's region."""
    branches = visit_branches(service_request)
    if service_request.visit_branch_id:
        for branch in branches:
            if branch.id == service_request.visit_branch_id:
                return branch
    region_id = beneficiary_region_id(service_request.user)
    return next((branch for branch in branches if branch.city.region_id == region_id), None)


def booking_answers(service_request: ServiceRequest) -> dict[str, str]:
    """The booking wizard's answers for the request: it, and the suggested branch with its region."""
    answers = {"request": service_request.reference}
    branch = (
        catalog.current().branch_by_id.get(service_request.visit_branch_id) if service_request.visit_branch_id else None
    )
    if branch is not None:
        answers.update(region=branch.city.region.code, branch=branch.code)
    return answers


def visit_branch_of(service_request: ServiceRequest, code: str) -> Branch | None:
    """The branch of that code among those that give the request's service, or None."""
    return next((branch for branch in visit_branches(service_request) if branch.code == code), None)


# --- The printed confirmation ------------------------------------------------------


def confirmation_etag(service_request: ServiceRequest, lang: str) -> str | None:
    """The digest of the kept confirmation that shows the request as it stands; None when none is kept."""
    row = (
        RequestConfirmation.select(RequestConfirmation.etag)
        .where(
            (RequestConfirmation.request == service_request)
            & (RequestConfirmation.lang == lang)
            & (RequestConfirmation.version == service_request.version)
        )
        .tuples()
        .first()
    )
    return row[0] if row else None


def confirmation_pdf(
    service_request: ServiceRequest, lang: str, render: Callable[[ServiceRequest], bytes]
) -> tuple[bytes, str]:
    """(PDF, digest) of the request's confirmation in a language.

    ``render`` makes it once per version of the request (a status change
    bumps the version), then it comes from the table: re-printing sends the
    same bytes.
    """
    kept = RequestConfirmation.get_or_none(
        (RequestConfirmation.request == service_request) & (RequestConfirmation.lang == lang)
    )
    if kept is not None and kept.version == service_request.version:
        return bytes(kept.pdf), kept.etag
    # Rendered before the transaction: a PDF takes long enough to keep other writers waiting.
    pdf = render(service_request)
    etag = hashlib.sha256(pdf).hexdigest()
    with write_transaction():
        RequestConfirmation.insert(
            request=service_request, lang=lang, version=service_request.version, etag=etag, pdf=pdf
        ).on_conflict(
            conflict_target=[RequestConfirmation.request, RequestConfirmation.lang],
            update={
                RequestConfirmation.version: service_request.version,
                RequestConfirmation.etag: etag,
                RequestConfirmation.pdf: pdf,
            },
            # An older version rendered late never replaces a newer one.
            where=(RequestConfirmation.version <= service_request.version),
        ).execute()
    return pdf, etag


# --- Sending ---------------------------------------------------------------------------


def submit(
    user: User,
    sector: Sector,
    service: Service,
    subject: str,
    body: str,
    files: Iterable[attachments.File],
    token: str | None,
    link: Link | None = None,
) -> ServiceRequest:
    """Save a beneficiary's new request with its files, and tell them its number and date.

    The request, its attachments and the notification are written in one
    transaction; files written for it are removed if it does not commit.
    Sending the same submission token again returns the first request.
    """
    if valid_token(token) is None:
        raise Refused(EXPIRED, code="expired")
    if service.sector_id != sector.id:
        raise Refused(OTHER_SECTOR, code="service")
    done = already_submitted(ServiceRequest, token, user)
    if done is not None:
        return done
    due = expected_response_date(service)
    written = []
    try:
        with write_transaction():
            service_request = ServiceRequest.create(
                reference=next_reference("request", "M"),
                user=user,
                sector=sector,
                service=service,
                subject=subject,
                body=body,
                due_date=due,
                submission_token=token,
            )
            written = attachments.store(service_request, files)
            message = _l(
                "Your request %(ref)s was received. Expect an answer by %(date)s.",
                ref=service_request.reference,
                date=LazyString(format_dual, due),
            )
            notify(user, message, link=_url(link, service_request))
            # Last, so that the sector's summary row is held for the shortest time.
            counts.added(counts.REQUEST, sector.id, S.NEW)
            request_tallies.received(service_request)
            search.index(service_request)
    except IntegrityError:
        attachments.remove(written)
        # The same form sent twice at once: the other submission won the token.
        done = already_submitted(ServiceRequest, token, user)
        if done is not None:
            return done
        if ServiceRequest.select().where(ServiceRequest.submission_token == token).exists():
            raise Refused(EXPIRED, code="expired") from None  # someone else's token
        raise
    except BaseException:
        attachments.remove(written)
        raise
    return service_request


# --- Changes ---------------------------------------------------------------------------


def _url(link: Link | None, service_request: ServiceRequest) -> str:
    return link(service_request) if link else ""


def _current(service_request: ServiceRequest) -> ServiceRequest:
    return ServiceRequest.get_by_id(service_request.id)


def _guarded_update(service_request, version, **fields):
    """Update the row only if it is still at `version`; bump the version."""
    fields.update(version=ServiceRequest.version + 1, updated_at=utcnow())
    updated = (
        ServiceRequest.update(**fields)
        .where((ServiceRequest.id == service_request.id) & (ServiceRequest.version == version))
        .execute()
    )
    if updated != 1:
        raise Conflict(_current(service_request))
    # The callers checked that the request in hand is the one at `version`: its status is the one left.
    if fields.get("status", service_request.status) != service_request.status:
        counts.moved(counts.REQUEST, service_request.sector_id, service_request.status, fields["status"])
        request_tallies.status_moved(service_request, service_request.status, fields["status"])


def _checked_version(service_request, version):
    """The form's version as a number; Conflict when it is not the request's."""
    try:
        version = int(version)
    except (TypeError, ValueError):
        raise Conflict(_current(service_request)) from None
    if version != service_request.version:
        raise Conflict(_current(service_request))
    return version


def _tell_beneficiary(service_request, link, replied=False, booking_link=None):
    status = STATUS_LABELS[service_request.status]
    if service_request.status == S.NEEDS_VISIT and booking_link is not None:
        branch = catalog.current().branch_by_id.get(service_request.visit_branch_id)
        if branch is not None:
            message = _l(
                "Request %(ref)s needs a visit to a branch: %(branch)s. Book your appointment from this notification.",
                ref=service_request.reference,
                branch=LazyString(lambda: branch.name),
            )
        else:
            message = _l(
                "Request %(ref)s needs a visit to a branch. Book your appointment from this notification.",
                ref=service_request.reference,
            )
        notify(service_request.user, message, link=_url(booking_link, service_request))
        return
    if replied:
        message = _l(
            "The sector replied to your request %(ref)s. Status: %(status)s.",
            ref=service_request.reference,
            status=status,
        )
    else:
        message = _l("Your request %(ref)s is now: %(status)s.", ref=service_request.reference, status=status)
    notify(service_request.user, message, link=_url(link, service_request))


def take(service_request: ServiceRequest, version, agent: User, link: Link | None = None) -> ServiceRequest:
    """Make the agent the request's assignee; a new request becomes «قيد المعالجة» and the beneficiary is told."""
    version = _checked_version(service_request, version)
    if not service_request.is_open:
        raise Refused(FINISHED, code="finished")
    status = S.IN_PROGRESS if service_request.status == S.NEW else service_request.status
    with write_transaction():
        _guarded_update(service_request, version, assignee=agent, status=status)
        RequestEvent.create(
            request=service_request,
            author=agent,
            kind="assign",
            from_status=service_request.status,
            to_status=status,
        )
        audit.record(agent, "request.take", "request", service_request.reference, service_request.status, status)
        taken = _current(service_request)
        if status != service_request.status:
            _tell_beneficiary(taken, link)
    return taken


def _visit_fields(service_request, to_status, visit_branch):
    """The columns an ask for a visit sets: the suggested branch, checked against the service's branches."""
    if to_status != S.NEEDS_VISIT:
        return {}
    if visit_branch is not None and visit_branch.id not in {b.id for b in visit_branches(service_request)}:
        raise Refused(NOT_A_BRANCH, code="branch")
    return {"visit_branch": visit_branch.id if visit_branch is not None else None}


def change_status(
    service_request: ServiceRequest,
    version,
    agent: User,
    to_status: str,
    note: str = "",
    link: Link | None = None,
    visit_branch: Branch | None = None,
    booking_link: Link | None = None,
) -> ServiceRequest:
    """Move the request along the pipeline, record who did it, and tell the beneficiary.

    Asking for a visit («يتطلب زيارة الفرع») may suggest a branch; the
    beneficiary is then sent ``booking_link``, which opens the booking there.
    """
    version = _checked_version(service_request, version)
    if not next_statuses(service_request.status):
        raise Refused(FINISHED, code="finished")
    if not can_move(service_request.status, to_status):
        raise Refused(NOT_IN_LIST, code="status")
    visit = _visit_fields(service_request, to_status, visit_branch)
    with write_transaction():
        _guarded_update(service_request, version, status=to_status, **visit)
        RequestEvent.create(
            request=service_request,
            author=agent,
            kind="status",
            body=note,
            from_status=service_request.status,
            to_status=to_status,
            branch=visit.get("visit_branch"),
        )
        audit.record(agent, "request.status", "request", service_request.reference, service_request.status, to_status)
        changed = _current(service_request)
        _tell_beneficiary(changed, link, booking_link=booking_link)
    return changed


def staff_reply(
    service_request: ServiceRequest,
    version,
    agent: User,
    body: str,
    to_status: str = S.ANSWERED,
    link: Link | None = None,
    visit_branch: Branch | None = None,
    booking_link: Link | None = None,
) -> ServiceRequest:
    """Answer the beneficiary and tell them; the request moves to `to_status` (usually «تمت الإجابة»).

    A reply that asks for a visit may suggest a branch, as ``change_status`` does.
    """
    version = _checked_version(service_request, version)
    if not reply_statuses(service_request.status):
        raise Refused(FINISHED, code="finished")
    if to_status not in reply_statuses(service_request.status):
        raise Refused(NOT_IN_LIST, code="status")
    asks_again = to_status == S.NEEDS_VISIT and service_request.status != S.NEEDS_VISIT
    fields = {"status": to_status, **(_visit_fields(service_request, to_status, visit_branch) if asks_again else {})}
    if service_request.assignee_id is None:
        fields["assignee"] = agent
    with write_transaction():
        _guarded_update(service_request, version, **fields)
        first_answer = request_tallies.is_first_staff_answer(service_request)
        reply = RequestEvent.create(
            request=service_request,
            author=agent,
            kind="reply",
            body=body,
            from_status=service_request.status,
            to_status=to_status,
            branch=fields.get("visit_branch"),
        )
        if first_answer:
            request_tallies.answered(service_request, reply.created_at)
        audit.record(agent, "request.reply", "request", service_request.reference, service_request.status, to_status)
        answered = _current(service_request)
        _tell_beneficiary(answered, link, replied=True, booking_link=booking_link if asks_again else None)
    return answered


def beneficiary_reply(service_request: ServiceRequest, user: User, body: str, link: Link | None = None) -> RequestEvent:
    """Add the beneficiary's reply to an open request and tell its assignee; the status stays as it is."""
    with write_transaction():
        updated = (
            ServiceRequest.update(updated_at=utcnow())
            .where((ServiceRequest.id == service_request.id) & ServiceRequest.status.in_(RequestStatus.OPEN))
            .execute()
        )
        if updated != 1:
            raise Refused(FINISHED, code="finished")
        event = RequestEvent.create(request=service_request, author=user, kind="reply", body=body)
        current = _current(service_request)
        if current.assignee_id:
            message = _l("The beneficiary replied on request %(ref)s.", ref=current.reference)
            notify(current.assignee, message, link=_url(link, current))
    return event


def withdraw(service_request: ServiceRequest, user: User) -> ServiceRequest:
    """Withdraw an open request on the beneficiary's behalf."""
    with write_transaction():
        current = _current(service_request)
        if not can_withdraw(current.status):
            raise Refused(FINISHED, code="finished")
        _guarded_update(current, current.version, status=S.WITHDRAWN)
        RequestEvent.create(
            request=service_request,
            author=user,
            kind="withdraw",
            from_status=current.status,
            to_status=S.WITHDRAWN,
        )
    return _current(service_request)


def add_note(service_request: ServiceRequest, author: User, body: str) -> RequestEvent:
    """Keep a staff-only note on the request; the beneficiary never sees it, nobody is notified."""
    body = (body or "").strip()
    if not body:
        raise Refused(_l("Enter the note."), code="note")
    if len(body) > NOTE_MAX:
        raise Refused(_l("The note must be %(max)s characters or fewer.", max=NOTE_MAX), code="note")
    with write_transaction():
        event = RequestEvent.create(request=service_request, author=author, kind="note", body=body, internal=True)
        audit.record(author, "request.note", "request", service_request.reference)
    return event
