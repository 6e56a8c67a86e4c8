"""The beneficiary's side: write a new request, follow it in «طلباتي», reply, withdraw, print."""

import re
from contextlib import suppress

from flask import abort, g, render_template, request, send_file, url_for
from flask_babel import _, get_locale
from markupsafe import Markup

from domain import attachments
from domain import requests as pipeline
from domain.dates import riyadh_date
from domain.errors import Conflict, Refused
from domain.tokens import new_token, valid_token
from models import RequestStatus, Role, ServiceRequest
from views import limits
from views.access import login_required, roles_required
from views.forms import Form
from views.messages import agent_link, beneficiary_link, bp, may_see_files, own_request, valid_reference
from views.messages.forms import ReplyForm, RequestForm
from views.printing import not_modified, pdf_response, render_pdf
from views.rendering import redirect_after_post, render_page_or_partial

CODE_PATTERN = re.compile(r"[a-z0-9_]{1,64}")


# --- The new request -----------------------------------------------------


def _prepare_request_form(form, sector):
    """Fill the sector list and the sector's services; give the form a submission token."""
    form.sector.choices = [("", _("Choose a sector"))] + [(s.code, s.name) for s in pipeline.sectors()]
    form.service.groups = pipeline.service_groups(sector)
    if valid_token(form.submission_token.data) is None:
        form.submission_token.data = new_token()


def _offers(groups, code):
    return any(service.code == code for _, services in groups for service in services)


def _chosen_sector(code):
    return pipeline.sector_by_code(code) if code and CODE_PATTERN.fullmatch(code) else None


def _chosen_service(form, sector):
    """The sector and service the form names, checked; errors go to their fields."""
    if not form.sector.data:
        form.sector.errors = [_("Choose the sector.")]
    elif sector is None:
        form.sector.errors = [_("Choose a sector from the list.")]
    if not form.service.data:
        form.service.errors = [_("Choose the service.")]
        return None
    if sector is None:
        return None
    code = form.service.data if CODE_PATTERN.fullmatch(form.service.data) else None
    service = code and pipeline.service_of(sector, code)
    if service is None:
        form.service.errors = [str(pipeline.OTHER_SECTOR)]
        form.service.data = ""
    return service


def _file_problem(problem):
    """A file's problem for the field: its name and the file types isolated from the sentence's direction."""
    if problem.name is None:
        return problem.message
    return Markup(problem.message) % {
        "name": Markup("<bdi>%s</bdi>") % problem.name,
        "types": Markup('<bdi dir="ltr">%s</bdi>') % attachments.TYPE_NAMES,
    }


def _render_request_form(form, status=200, files_dropped=False):
    return render_page_or_partial(
        "messages/new.html",
        "partials/messages/request_form.html",
        status,
        form=form,
        files_dropped=files_dropped,
    )


@bp.route("/messages/new", methods=["GET", "POST"])
@roles_required(Role.BENEFICIARY)
def new():
    """Write a message to a sector about one of its services, and send it."""
    form = RequestForm() if request.method == "POST" else RequestForm(formdata=request.args or None)
    sector = _chosen_sector(form.sector.data)
    _prepare_request_form(form, sector)
    if request.method == "GET" or request.form.get("show_services"):
        # Without JavaScript «عرض الخدمات» posts here to fill the service list.
        if not _offers(form.service.groups, form.service.data):
            form.service.data = ""
        return _render_request_form(form)

    form.validate_on_submit()
    token = valid_token(request.form.get("submission_token"))
    if token is None:
        form.form_errors.append(str(pipeline.EXPIRED))
    service = _chosen_service(form, sector)
    uploads = attachments.chosen(form.attachments.data)
    files, problems = attachments.check(uploads)
    form.attachments.errors.extend(_file_problem(problem) for problem in problems)
    if form.errors or form.form_errors:
        return _render_request_form(form, 422, files_dropped=bool(uploads))
    seconds = limits.wait_for("new_request")
    if seconds:
        form.form_errors.append(limits.wait_message(seconds))
        return _render_request_form(form, 429, files_dropped=bool(uploads))
    try:
        service_request = pipeline.submit(
            g.user, sector, service, form.subject.data, form.body.data, files, token, link=beneficiary_link
        )
    except Refused as refusal:
        form.form_errors.append(refusal.message)
        form.submission_token.data = new_token()  # nothing was made; the next send is a new one
        return _render_request_form(form, 422, files_dropped=bool(uploads))
    return redirect_after_post(url_for("messages.confirmation", reference=service_request.reference))


@bp.route("/messages/new/services")
@roles_required(Role.BENEFICIARY)
def service_options():
    """The chosen sector's services: the <option>s for htmx, else the whole form."""
    form = RequestForm(formdata=request.args if request.args else None)
    sector = _chosen_sector(form.sector.data)
    _prepare_request_form(form, sector)
    return render_page_or_partial(
        "messages/new.html",
        "partials/messages/service_options.html",
        form=form,
        files_dropped=False,
        groups=form.service.groups,
        selected=form.service.data,
    )


# --- The beneficiary's requests -------------------------------------------


@bp.route("/messages")
@roles_required(Role.BENEFICIARY)
def index():
    """List the beneficiary's requests («طلباتي»), newest first."""
    status = request.args.get("status", "")
    if status not in RequestStatus.ALL:
        status = ""
    page = max(request.args.get("page", 1, type=int), 1)
    found = pipeline.my_requests(g.user, status, page)
    return render_template(
        "messages/index.html",
        items=found.items,
        status=status,
        page=page,
        pages=found.pages,
        total=found.total,
        statuses=RequestStatus.ALL,
    )


@bp.route("/messages/<reference>/sent")
@roles_required(Role.BENEFICIARY)
def confirmation(reference):
    """Confirm the request was received: its number and when to expect an answer."""
    return render_template("messages/confirmation.html", service_request=own_request(reference))


def render_confirmation(service_request):
    """Render a request's confirmation, dated the day the request last changed."""
    return render_pdf(
        "pdf/request_confirmation.html",
        printed_on=riyadh_date(service_request.updated_at),
        service_request=service_request,
    )


@bp.route("/messages/<reference>/confirmation.pdf")
@roles_required(Role.BENEFICIARY)
def confirmation_pdf(reference):
    """The printable confirmation in the page language; each version of the request is rendered once."""
    service_request = own_request(reference)
    lang = str(get_locale())
    unchanged = not_modified(pipeline.confirmation_etag(service_request, lang))
    if unchanged is not None:
        return unchanged
    pdf, etag = pipeline.confirmation_pdf(service_request, lang, render_confirmation)
    return pdf_response(pdf, f"request-{service_request.reference}.pdf", etag)


def _render_request(service_request, reply_form=None, status=200):
    return render_page_or_partial(
        "messages/request.html",
        "partials/messages/thread.html",
        status,
        service_request=service_request,
        reply_form=reply_form or ReplyForm(formdata=None),
        visit=pipeline.visit_of(service_request),
        needs_booking=pipeline.needs_booking,
    )


@bp.route("/messages/<reference>")
@roles_required(Role.BENEFICIARY)
def show(reference):
    """Show a request: its status, the conversation, and what can be done next."""
    return _render_request(own_request(reference))


@bp.route("/messages/<reference>/reply", methods=["POST"])
@roles_required(Role.BENEFICIARY)
def reply(reference):
    """Add the beneficiary's reply; with htmx only the conversation re-renders."""
    service_request = own_request(reference)
    form = ReplyForm()
    if not service_request.is_open:
        form.form_errors.append(str(pipeline.FINISHED))
        return _render_request(service_request, form, 409)
    if not form.validate_on_submit():
        return _render_request(service_request, form, 422)
    seconds = limits.wait_for("reply")
    if seconds:
        form.form_errors.append(limits.wait_message(seconds))
        return _render_request(service_request, form, 429)
    try:
        pipeline.beneficiary_reply(service_request, g.user, form.body.data, link=agent_link)
    except Refused as refusal:
        form.form_errors.append(refusal.message)
        return _render_request(ServiceRequest.get_by_id(service_request.id), form, 409)
    if request.htmx:
        return _render_request(ServiceRequest.get_by_id(service_request.id))
    return redirect_after_post(url_for("messages.show", reference=reference) + "#thread")


@bp.route("/messages/<reference>/withdraw", methods=["GET", "POST"])
@roles_required(Role.BENEFICIARY)
def withdraw(reference):
    """Ask to confirm, then withdraw the request."""
    service_request = own_request(reference)
    if request.method == "POST" and Form().validate_on_submit():
        # Finished meanwhile: the request page shows how it stands.
        with suppress(Refused, Conflict):
            pipeline.withdraw(service_request, g.user)
        return redirect_after_post(url_for("messages.show", reference=reference))
    if not pipeline.can_withdraw(service_request.status):
        return redirect_after_post(url_for("messages.show", reference=reference))
    return render_template("messages/withdraw.html", service_request=service_request)


@bp.route("/messages/<reference>/attachments/<int:attachment_id>")
@login_required
def attachment(reference, attachment_id):
    """Send a request's file to its owner or the sector's agents; to others it does not exist."""
    service_request = pipeline.by_reference(valid_reference(reference))
    if service_request is None or not may_see_files(g.user, service_request):
        abort(404)
    item = attachments.of_request(service_request, attachment_id)
    path = attachments.stored_path(item) if item is not None else None
    if path is None:
        abort(404)
    response = send_file(
        path,
        mimetype=item.content_type,
        as_attachment=True,
        download_name=attachments.download_name(item.original_name, item.content_type),
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
