"""The life of a request: its status pipeline, its deadline, and guarded changes.

A change is one UPDATE … WHERE id = ? AND version = ? that bumps the version:
when two agents act on the same request, the second finds no row to update
and is told so, instead of silently overwriting the first.
"""

from flask import current_app
from flask_babel import lazy_gettext as _l

from domain.catalog import national_holidays
from domain.dates import add_working_days, today
from models import RequestEvent, RequestStatus, ServiceRequest, utcnow, write_transaction

S = RequestStatus

STATUS_LABELS = {
    S.NEW: _l("New"),
    S.IN_PROGRESS: _l("In progress"),
    S.ANSWERED: _l("Answered"),
    S.CLOSED: _l("Closed"),
    S.NEEDS_VISIT: _l("Requires a branch visit"),
    S.WITHDRAWN: _l("Withdrawn"),
}


def label(status):
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


class StaleRequest(Exception):
    """Someone changed the request since the form was shown."""


class NotAllowed(Exception):
    """The move is not allowed from the request's current status."""


def can_move(from_status, to_status):
    return to_status in TRANSITIONS.get(from_status, ())


def next_statuses(status):
    """The statuses staff may choose next, in pipeline order."""
    return TRANSITIONS.get(status, ())


def reply_statuses(status):
    """The statuses a staff reply may leave the request in; empty when it is finished."""
    if status not in RequestStatus.OPEN:
        return ()
    return tuple(s for s in REPLY_STATUSES if s == status or can_move(status, s))


def can_withdraw(status):
    return status in RequestStatus.OPEN


def holidays():
    """The days that do not count towards a response time."""
    return national_holidays() | set(current_app.config.get("REQUEST_HOLIDAYS", ()))


def expected_response_date(service, start=None, days_off=None):
    """The date the sector should answer by: the service's working days after start."""
    return add_working_days(start or today(), service.response_days, holidays() if days_off is None else days_off)


def is_overdue(service_request, on=None):
    return service_request.status in AWAITING_SECTOR and service_request.due_date < (on or today())


def _guarded_update(service_request, version, **fields):
    """Update the row only if it is still at `version`; bump the version."""
    fields.update(version=ServiceRequest.version + 1, updated_at=utcnow())
    updated = (
        ServiceRequest.update(**fields)
        .where((ServiceRequest.id == service_request.id) & (ServiceRequest.version == version))
        .execute()
    )
    if updated != 1:
        raise StaleRequest()


def _checked_version(service_request, version):
    try:
        version = int(version)
    except (TypeError, ValueError):
        raise StaleRequest() from None
    if version != service_request.version:
        raise StaleRequest()
    return version


def take(service_request, version, agent):
    """Make the agent the request's assignee; a new request becomes «قيد المعالجة»."""
    version = _checked_version(service_request, version)
    if not service_request.is_open:
        raise NotAllowed()
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
    return ServiceRequest.get_by_id(service_request.id)


def change_status(service_request, version, agent, to_status, note=""):
    """Move the request along the pipeline and record who did it."""
    version = _checked_version(service_request, version)
    if not can_move(service_request.status, to_status):
        raise NotAllowed()
    with write_transaction():
        _guarded_update(service_request, version, status=to_status)
        RequestEvent.create(
            request=service_request,
            author=agent,
            kind="status",
            body=note,
            from_status=service_request.status,
            to_status=to_status,
        )
    return ServiceRequest.get_by_id(service_request.id)


def staff_reply(service_request, version, agent, body, to_status=S.ANSWERED):
    """Answer the beneficiary; the request moves to `to_status` (usually «تمت الإجابة»)."""
    version = _checked_version(service_request, version)
    if to_status not in reply_statuses(service_request.status):
        raise NotAllowed()
    fields = {"status": to_status}
    if service_request.assignee_id is None:
        fields["assignee"] = agent
    with write_transaction():
        _guarded_update(service_request, version, **fields)
        RequestEvent.create(
            request=service_request,
            author=agent,
            kind="reply",
            body=body,
            from_status=service_request.status,
            to_status=to_status,
        )
    return ServiceRequest.get_by_id(service_request.id)


def beneficiary_reply(service_request, user, body):
    """Add the beneficiary's reply to an open request; the status stays as it is."""
    with write_transaction():
        updated = (
            ServiceRequest.update(updated_at=utcnow())
            .where((ServiceRequest.id == service_request.id) & ServiceRequest.status.in_(RequestStatus.OPEN))
            .execute()
        )
        if updated != 1:
            raise NotAllowed()
        return RequestEvent.create(request=service_request, author=user, kind="reply", body=body)


def withdraw(service_request, user):
    """Withdraw an open request on the beneficiary's behalf."""
    with write_transaction():
        current = ServiceRequest.get_by_id(service_request.id)
        if not can_withdraw(current.status):
            raise NotAllowed()
        _guarded_update(current, current.version, status=S.WITHDRAWN)
        RequestEvent.create(
            request=service_request,
            author=user,
            kind="withdraw",
            from_status=current.status,
            to_status=S.WITHDRAWN,
        )
    return ServiceRequest.get_by_id(service_request.id)
