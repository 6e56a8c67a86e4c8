"""«الطلبات الواردة»: the sector agents' inbox and their work on a request.

Registered on the ``messages`` blueprint by ``views.messages``.
"""

import re
from datetime import date

from flask import abort, g, render_template, request, url_for
from flask_babel import _
from flask_babel import lazy_gettext as _l

from domain import requests as pipeline
from domain.dates import today
from domain.notifier import notify
from models import RequestStatus, Role, Service, ServiceRequest, write_transaction
from views.access import get_or_404, roles_required
from views.messages import bp, valid_reference
from views.messages_forms import STATUS_LABELS, StaffReplyForm, StatusForm, TakeForm, status_choices
from views.rendering import redirect_after_post, render_page_or_partial

INBOX_PAGE_SIZE = 20


def _parse_after(value):
    """The keyset cursor «YYYY-MM-DD.id», or None when absent or malformed."""
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.(\d{1,18})", value or "")
    if not match:
        return None
    try:
        return date.fromisoformat(match.group(1)), int(match.group(2))
    except ValueError:
        return None


@bp.route("/sector/inbox")
@roles_required(Role.AGENT)
def inbox():
    """List the sector's incoming requests, oldest deadline first («الطلبات الواردة»)."""
    sector = g.user.sector
    if sector is None:
        abort(404)
    status = request.args.get("status", "")
    if status not in RequestStatus.ALL and status != "all":
        status = ""
    statuses = RequestStatus.OPEN if status == "" else (None if status == "all" else (status,))
    services = list(Service.of_sector(sector))
    service_code = request.args.get("service", "")
    service = next((s for s in services if s.code == service_code), None)
    overdue = request.args.get("overdue") == "1"
    after = _parse_after(request.args.get("after"))
    query = ServiceRequest.inbox(
        sector,
        statuses=pipeline.AWAITING_SECTOR if overdue and status == "" else statuses,
        service=service,
        due_before=today() if overdue else None,
        after=after,
    )
    rows = list(query.limit(INBOX_PAGE_SIZE + 1))
    next_after = None
    if len(rows) > INBOX_PAGE_SIZE:
        rows = rows[:INBOX_PAGE_SIZE]
        next_after = f"{rows[-1].due_date.isoformat()}.{rows[-1].id}"
    filters = {"status": status, "service": service.code if service else "", "overdue": "1" if overdue else ""}
    return render_template(
        "messages/inbox.html",
        rows=rows,
        filters=filters,
        services=services,
        next_after=next_after,
        first_page=after is None,
        statuses=RequestStatus.ALL,
        is_overdue=pipeline.is_overdue,
        clean={key: value for key, value in filters.items() if value},
    )


def _sector_request(reference):
    if g.user.sector_id is None:
        abort(404)
    return get_or_404(
        ServiceRequest.select().where(
            (ServiceRequest.reference == valid_reference(reference)) & (ServiceRequest.sector == g.user.sector_id)
        )
    )


def _staff_forms(service_request, reply_form=None, status_form=None):
    reply_form = reply_form or StaffReplyForm(formdata=None)
    reply_form.reply_status.choices = status_choices(pipeline.reply_statuses(service_request.status))
    if reply_form.reply_status.data not in pipeline.reply_statuses(service_request.status):
        reply_form.reply_status.data = RequestStatus.ANSWERED
    status_form = status_form or StatusForm(formdata=None)
    status_form.status.choices = status_choices(pipeline.next_statuses(service_request.status))
    return {"reply_form": reply_form, "status_form": status_form}


def _render_workspace(service_request, status=200, conflict=False, announce=None, **forms):
    return render_page_or_partial(
        "messages/agent_request.html",
        "partials/messages/workspace.html",
        status,
        announce,
        service_request=service_request,
        conflict=conflict,
        overdue=pipeline.is_overdue(service_request),
        **_staff_forms(service_request, **forms),
    )


def _conflict(reference, **forms):
    """The current state with a clear message: someone else acted first."""
    return _render_workspace(_sector_request(reference), 409, conflict=True, **forms)


def _notify_change(service_request, kind):
    link = url_for("messages.show", reference=service_request.reference)
    label = STATUS_LABELS[service_request.status]
    if kind == "reply":
        message = _l(
            "The sector replied to your request %(ref)s. Status: %(status)s.",
            ref=service_request.reference,
            status=label,
        )
    else:
        message = _l("Your request %(ref)s is now: %(status)s.", ref=service_request.reference, status=label)
    notify(service_request.user, message, link=link)


def _after_staff_change(service_request):
    if request.htmx:
        status = STATUS_LABELS[service_request.status]
        return _render_workspace(service_request, announce=_("Saved. Status: %(status)s.", status=status))
    return redirect_after_post(url_for("messages.agent_show", reference=service_request.reference))


@bp.route("/sector/requests/<reference>")
@roles_required(Role.AGENT)
def agent_show(reference):
    """Show a request to the sector's agent, with take, reply and status actions."""
    return _render_workspace(_sector_request(reference))


@bp.route("/sector/requests/<reference>/take", methods=["POST"])
@roles_required(Role.AGENT)
def take(reference):
    """Take the request («استلام»): it becomes the agent's, in progress."""
    service_request = _sector_request(reference)
    form = TakeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        with write_transaction():
            before = service_request.status
            service_request = pipeline.take(service_request, form.version.data, g.user)
            if service_request.status != before:
                _notify_change(service_request, "status")
    except pipeline.StaleRequest:
        return _conflict(reference)
    except pipeline.NotAllowed:
        return _conflict(reference)
    return _after_staff_change(service_request)


@bp.route("/sector/requests/<reference>/status", methods=["POST"])
@roles_required(Role.AGENT)
def change_status(reference):
    """Move the request to another status; a stale form gets 409 and the current state."""
    service_request = _sector_request(reference)
    form = StatusForm()
    allowed = pipeline.next_statuses(service_request.status)
    if not form.validate_on_submit():
        return _render_workspace(service_request, 422, status_form=form)
    try:
        with write_transaction():
            if form.status.data not in RequestStatus.ALL:
                raise pipeline.NotAllowed()
            service_request = pipeline.change_status(
                service_request, form.version.data, g.user, form.status.data, form.note.data or ""
            )
            _notify_change(service_request, "status")
    except pipeline.StaleRequest:
        return _conflict(reference, status_form=form)
    except pipeline.NotAllowed:
        if not allowed:
            return _conflict(reference, status_form=form)
        form.status.errors = [_("Choose one of the statuses in the list.")]
        return _render_workspace(service_request, 422, status_form=form)
    return _after_staff_change(service_request)


@bp.route("/sector/requests/<reference>/reply", methods=["POST"])
@roles_required(Role.AGENT)
def agent_reply(reference):
    """Answer the beneficiary; the request becomes «تمت الإجابة» unless another status is chosen."""
    service_request = _sector_request(reference)
    form = StaffReplyForm()
    if not form.validate_on_submit():
        return _render_workspace(service_request, 422, reply_form=form)
    try:
        with write_transaction():
            service_request = pipeline.staff_reply(
                service_request, form.version.data, g.user, form.body.data, form.reply_status.data
            )
            _notify_change(service_request, "reply")
    except pipeline.StaleRequest:
        return _conflict(reference, reply_form=form)
    except pipeline.NotAllowed:
        if not pipeline.reply_statuses(service_request.status):
            return _conflict(reference, reply_form=form)
        form.reply_status.errors = [_("Choose one of the statuses in the list.")]
        return _render_workspace(service_request, 422, reply_form=form)
    return _after_staff_change(service_request)
