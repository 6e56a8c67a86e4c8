"""«الطلبات الواردة»: the sector agents' inbox and their work on a request (take, status, reply)."""

from flask import abort, g, render_template, request, url_for
from flask_babel import _

from domain import requests as pipeline
from domain import search
from domain.errors import Conflict, Refused
from models import RequestStatus, Role
from views import limits
from views.access import roles_required
from views.messages import beneficiary_link, booking_link, bp, sector_request
from views.messages.forms import VISIT_BRANCH_HINT, NoteForm, StaffReplyForm, StatusForm, TakeForm, status_choices
from views.rendering import redirect_after_post, render_page_or_partial


@bp.route("/sector/inbox")
@roles_required(Role.AGENT)
def inbox():
    """List the sector's incoming requests, oldest deadline first («الطلبات الواردة»)."""
    sector = pipeline.staff_sector(g.user)
    if sector is None:
        abort(404)
    status = request.args.get("status", "")
    if status not in RequestStatus.ALL and status != "all":
        status = ""
    services = pipeline.services_of(sector)
    service_code = request.args.get("service", "")
    service = next((s for s in services if s.code == service_code), None)
    overdue = request.args.get("overdue") == "1"
    queue = request.args.get("queue", "")
    if queue not in pipeline.QUEUES:
        queue = ""
    after = pipeline.parse_cursor(request.args.get("after"))
    query = request.args.get("q", "").strip()[:200]
    if query:
        rows, more = search.search(sector, query)
        next_after = None
    else:
        rows, next_after = pipeline.inbox_page(sector, status, service, overdue, after, queue=queue, agent=g.user)
        more = False
    filters = {
        "status": status,
        "service": service.code if service else "",
        "overdue": "1" if overdue else "",
        "queue": queue,
    }
    return render_template(
        "messages/inbox.html",
        sector=sector,
        rows=rows,
        filters=filters,
        services=services,
        next_after=next_after,
        first_page=after is None,
        statuses=RequestStatus.ALL,
        is_overdue=pipeline.is_overdue,
        queues=pipeline.QUEUES,
        queue_counts=pipeline.queue_counts(sector, g.user),
        clean={key: value for key, value in filters.items() if value},
        query=query,
        more=more,
    )


def _branch_choices(service_request, field, fresh):
    """The sector's branches that give the service; a fresh form suggests the beneficiary's region's."""
    field.choices = [("", _("Let the beneficiary choose"))] + [
        (branch.code, f"{branch.name} — {branch.city.name}") for branch in pipeline.visit_branches(service_request)
    ]
    if fresh:
        suggested = pipeline.suggested_branch(service_request)
        field.data = suggested.code if suggested else ""


def _staff_forms(service_request, reply_form=None, status_form=None, note_form=None):
    """The reply, status and note forms, with the choices the request's status allows."""
    fresh_reply, fresh_status = reply_form is None, status_form is None
    reply_form = reply_form or StaffReplyForm(formdata=None)
    reply_form.reply_status.choices = status_choices(pipeline.reply_statuses(service_request.status))
    if reply_form.reply_status.data not in pipeline.reply_statuses(service_request.status):
        reply_form.reply_status.data = RequestStatus.ANSWERED
    _branch_choices(service_request, reply_form.reply_branch, fresh_reply)
    status_form = status_form or StatusForm(formdata=None)
    status_form.status.choices = status_choices(pipeline.next_statuses(service_request.status))
    _branch_choices(service_request, status_form.visit_branch, fresh_status)
    return {
        "reply_form": reply_form,
        "status_form": status_form,
        "note_form": note_form or NoteForm(formdata=None),
        "branch_hint": VISIT_BRANCH_HINT,
    }


def _render_workspace(service_request, status=200, conflict=False, announce=None, **forms):
    return render_page_or_partial(
        "messages/agent_request.html",
        "partials/messages/workspace.html",
        status,
        announce,
        service_request=service_request,
        conflict=conflict,
        overdue=pipeline.is_overdue(service_request),
        visit=pipeline.visit_of(service_request),
        **_staff_forms(service_request, **forms),
    )


def _chosen_branch(service_request, field):
    """The branch the form suggests (None for «let the beneficiary choose»); False with a field error if unknown."""
    if not field.data:
        return None
    branch = pipeline.visit_branch_of(service_request, field.data)
    if branch is None:
        field.errors = [str(pipeline.NOT_A_BRANCH)]
        return False
    return branch


def _conflict(current, **forms):
    """The current state with a clear message: someone else acted first."""
    return _render_workspace(current, 409, conflict=True, **forms)


def _after_staff_change(service_request):
    if request.htmx:
        status = pipeline.label(service_request.status)
        return _render_workspace(service_request, announce=_("Saved. Status: %(status)s.", status=status))
    return redirect_after_post(url_for("messages.agent_show", reference=service_request.reference))


@bp.route("/sector/requests/<reference>")
@roles_required(Role.AGENT)
def agent_show(reference):
    """Show a request to the sector's agent, with take, reply and status actions."""
    return _render_workspace(sector_request(reference))


@bp.route("/sector/requests/<reference>/take", methods=["POST"])
@roles_required(Role.AGENT)
def take(reference):
    """Take the request («استلام»): it becomes the agent's, in progress."""
    service_request = sector_request(reference)
    form = TakeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service_request = pipeline.take(service_request, form.version.data, g.user, link=beneficiary_link)
    except Conflict as conflict:
        return _conflict(conflict.current)
    except Refused:
        return _conflict(sector_request(reference))
    return _after_staff_change(service_request)


@bp.route("/sector/requests/<reference>/status", methods=["POST"])
@roles_required(Role.AGENT)
def change_status(reference):
    """Move the request to another status; a stale form gets 409 and the current state."""
    service_request = sector_request(reference)
    form = StatusForm()
    valid = form.validate_on_submit()
    branch = _chosen_branch(service_request, form.visit_branch)
    if not valid or branch is False:
        return _render_workspace(service_request, 422, status_form=form)
    try:
        service_request = pipeline.change_status(
            service_request,
            form.version.data,
            g.user,
            form.status.data,
            form.note.data or "",
            link=beneficiary_link,
            visit_branch=branch,
            booking_link=booking_link,
        )
    except Conflict as conflict:
        return _conflict(conflict.current, status_form=form)
    except Refused as refusal:
        if refusal.code == "finished":
            return _conflict(sector_request(reference), status_form=form)
        form.status.errors = [refusal.message]
        return _render_workspace(service_request, 422, status_form=form)
    return _after_staff_change(service_request)


@bp.route("/sector/requests/<reference>/reply", methods=["POST"])
@roles_required(Role.AGENT)
def agent_reply(reference):
    """Answer the beneficiary; the request becomes «تمت الإجابة» unless another status is chosen."""
    service_request = sector_request(reference)
    form = StaffReplyForm()
    valid = form.validate_on_submit()
    branch = _chosen_branch(service_request, form.reply_branch)
    if not valid or branch is False:
        return _render_workspace(service_request, 422, reply_form=form)
    seconds = limits.wait_for("staff_reply")
    if seconds:
        form.body.errors = [limits.wait_message(seconds)]
        return _render_workspace(service_request, 429, reply_form=form)
    try:
        service_request = pipeline.staff_reply(
            service_request,
            form.version.data,
            g.user,
            form.body.data,
            form.reply_status.data,
            link=beneficiary_link,
            visit_branch=branch,
            booking_link=booking_link,
        )
    except Conflict as conflict:
        return _conflict(conflict.current, reply_form=form)
    except Refused as refusal:
        if refusal.code == "finished":
            return _conflict(sector_request(reference), reply_form=form)
        form.reply_status.errors = [refusal.message]
        return _render_workspace(service_request, 422, reply_form=form)
    return _after_staff_change(service_request)


@bp.route("/sector/requests/<reference>/notes", methods=["POST"])
@roles_required(Role.AGENT)
def add_note(reference):
    """Keep a staff-only note on the request; the beneficiary never sees it."""
    service_request = sector_request(reference)
    form = NoteForm()
    if not form.validate_on_submit():
        return _render_workspace(service_request, 422, note_form=form)
    try:
        pipeline.add_note(service_request, g.user, form.internal_note.data)
    except Refused as refusal:
        form.internal_note.errors = [refusal.message]
        return _render_workspace(service_request, 422, note_form=form)
    if request.htmx:
        return _render_workspace(sector_request(reference), announce=_("The internal note is saved."))
    return redirect_after_post(url_for("messages.agent_show", reference=reference) + "#conversation")
