"""Messages and requests (الرسائل والطلبات): beneficiaries and the sector's agents."""

import os
import re
import secrets
from itertools import groupby

from flask import Blueprint, abort, current_app, g, render_template, request, send_file, url_for
from flask_babel import LazyString, _, force_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from peewee import IntegrityError

from domain import requests as pipeline
from domain.dates import format_dual
from domain.notifier import notify
from domain.references import next_reference
from models import (
    Attachment,
    Role,
    RequestStatus,
    Sector,
    Service,
    ServiceRequest,
    write_transaction,
)
from views.access import get_or_404, login_required, roles_required
from views.messages_forms import STATUS_LABELS, ReplyForm, RequestForm, clean_text
from views.printing import pdf_response, render_pdf
from views.rendering import redirect_after_post, render_page_or_partial

bp = Blueprint("messages", __name__)


MY_REQUESTS_PER_PAGE = 10
MAX_ATTACHMENTS = 3
MAX_ATTACHMENT_BYTES = 2 * 1024 * 1024
# Files are recognised by their first bytes, never by their names.
FILE_SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,64}")
CODE_PATTERN = re.compile(r"[a-z0-9_]{1,64}")
REFERENCE_PATTERN = re.compile(r"[A-Z]\d{4}-\d{6}")


def valid_reference(reference):
    """A reference as we hand them out, else 404 before the database is asked."""
    if not REFERENCE_PATTERN.fullmatch(reference):
        abort(404)
    return reference


@bp.app_template_filter("request_status")
def request_status(status):
    """A request's status in words, in the page language."""
    return STATUS_LABELS.get(status, status)


@bp.app_template_global()
def may_download_attachments(service_request):
    """True when the person signed in may open the request's files."""
    return _may_see_files(g.user, service_request)


def _may_see_files(user, service_request):
    if user is None:
        return False
    if user.id == service_request.user_id:
        return True
    return user.role == Role.AGENT and user.sector_id is not None and user.sector_id == service_request.sector_id


# --- The new request -----------------------------------------------------


def _sectors():
    return list(Sector.select().order_by(Sector.position))


def _service_groups(sector):
    """The sector's services as (section, [services]) pairs for <optgroup>s."""
    if sector is None:
        return []
    services = Service.of_sector(sector)
    return [(section, list(items)) for section, items in groupby(services, key=lambda service: service.section)]


def _prepare_request_form(form, sector):
    form.sector.choices = [("", _("Choose a sector"))] + [(s.code, s.name) for s in _sectors()]
    form.service.groups = _service_groups(sector)
    if not TOKEN_PATTERN.fullmatch(form.submission_token.data or ""):
        form.submission_token.data = secrets.token_urlsafe(32)


def _offers(groups, code):
    return any(service.code == code for _, services in groups for service in services)


def _chosen_sector(code):
    return Sector.get_or_none(Sector.code == code) if code and CODE_PATTERN.fullmatch(code) else None


def _render_request_form(form, status=200, files_dropped=False):
    return render_page_or_partial(
        "messages/new.html",
        "partials/messages/request_form.html",
        status,
        form=form,
        files_dropped=files_dropped,
    )


def _file_problem(message, name):
    """A message about one file, its name and the file types isolated from the sentence's direction."""
    return Markup(message) % {
        "name": Markup("<bdi>%s</bdi>") % name,
        "types": Markup('<bdi dir="ltr">PDF, JPEG, PNG</bdi>'),
    }


def _read_attachments(form):
    """The files sent, checked by content and size; errors go to the field."""
    accepted = []
    sent = [item for item in (form.attachments.data or []) if item and item.filename]
    if len(sent) > MAX_ATTACHMENTS:
        form.attachments.errors.append(_("Attach no more than %(count)s files.", count=MAX_ATTACHMENTS))
        return sent, []
    for item in sent:
        content = item.stream.read(MAX_ATTACHMENT_BYTES + 1)
        name = clean_text(os.path.basename(item.filename.replace("\\", "/")))[:255] or "file"
        if len(content) > MAX_ATTACHMENT_BYTES:
            form.attachments.errors.append(_file_problem(_("%(name)s is larger than 2 MB."), name))
            continue
        kind = next((sig for sig in FILE_SIGNATURES if content.startswith(sig[0])), None)
        if kind is None:
            form.attachments.errors.append(
                _file_problem(_("%(name)s is not one of the accepted types (%(types)s)."), name)
            )
            continue
        accepted.append((name, kind[1], kind[2], content))
    return sent, accepted


def _store_files(service_request, files, written):
    """Write the files under random names outside static/ and record them; `written` collects the paths."""
    folder = current_app.config["UPLOAD_FOLDER"]
    os.makedirs(folder, exist_ok=True)
    for name, content_type, extension, content in files:
        stored = secrets.token_hex(16) + extension
        path = os.path.join(folder, stored)
        with open(path, "xb") as handle:
            written.append(path)
            handle.write(content)
        Attachment.create(
            request=service_request,
            original_name=name,
            stored_name=stored,
            content_type=content_type,
            size=len(content),
        )


def _create_request(form, sector, service, files):
    """Save the request once per submission token; return it."""
    due = pipeline.expected_response_date(service)
    reference = next_reference("request", "M")
    written = []
    try:
        with write_transaction():
            service_request = ServiceRequest.create(
                reference=reference,
                user=g.user,
                sector=sector,
                service=service,
                subject=form.subject.data,
                body=form.body.data,
                due_date=due,
                submission_token=form.submission_token.data,
            )
            _store_files(service_request, files, written)
    except Exception:
        for path in written:
            if os.path.exists(path):
                os.remove(path)
        raise
    notify(
        g.user,
        _l(
            "Your request %(ref)s was received. Expect an answer by %(date)s.",
            ref=reference,
            date=LazyString(format_dual, due),
        ),
        link=url_for("messages.show", reference=reference),
    )
    return service_request


def _already_sent(token):
    """The request an earlier submission of this very form created, if any."""
    existing = ServiceRequest.get_or_none(ServiceRequest.submission_token == token)
    if existing is not None and existing.user_id != g.user.id:
        abort(404)
    return existing


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
    if not TOKEN_PATTERN.fullmatch(request.form.get("submission_token", "")):
        form.form_errors.append(_("This form has expired. Check what you typed and send it again."))
    else:
        existing = _already_sent(form.submission_token.data)
        if existing is not None:
            return redirect_after_post(url_for("messages.confirmation", reference=existing.reference))

    service = None
    if not form.sector.data:
        form.sector.errors = [_("Choose the sector.")]
    elif sector is None:
        form.sector.errors = [_("Choose a sector from the list.")]
    if not form.service.data:
        form.service.errors = [_("Choose the service.")]
    elif sector is not None:
        code = form.service.data if CODE_PATTERN.fullmatch(form.service.data) else None
        service = code and Service.get_or_none((Service.code == code) & (Service.sector == sector))
        if service is None:
            form.service.errors = [
                _("This service is not one of the chosen sector's services. Choose a service from the list.")
            ]
            form.service.data = ""
    sent, files = _read_attachments(form)

    if form.errors or form.form_errors:
        return _render_request_form(form, 422, files_dropped=bool(sent))
    try:
        service_request = _create_request(form, sector, service, files)
    except IntegrityError:
        # The same form sent twice at once: the other submission won the token.
        existing = _already_sent(form.submission_token.data)
        if existing is None:
            raise
        service_request = existing
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


def _own_request(reference):
    return get_or_404(
        ServiceRequest.select().where(
            (ServiceRequest.reference == valid_reference(reference)) & (ServiceRequest.user == g.user)
        )
    )


@bp.route("/messages")
@roles_required(Role.BENEFICIARY)
def index():
    """List the beneficiary's requests («طلباتي»), newest first."""
    status = request.args.get("status", "")
    if status not in RequestStatus.ALL:
        status = ""
    page = request.args.get("page", 1, type=int)
    page = max(page, 1)
    query = ServiceRequest.of_user(g.user, status or None)
    total = query.count()
    items = list(query.paginate(page, MY_REQUESTS_PER_PAGE))
    pages = max(1, -(-total // MY_REQUESTS_PER_PAGE))
    return render_template(
        "messages/index.html",
        items=items,
        status=status,
        page=page,
        pages=pages,
        total=total,
        statuses=RequestStatus.ALL,
    )


@bp.route("/messages/<reference>/sent")
@roles_required(Role.BENEFICIARY)
def confirmation(reference):
    """Confirm the request was received: its number and when to expect an answer."""
    return render_template("messages/confirmation.html", service_request=_own_request(reference))


@bp.route("/messages/<reference>/confirmation.pdf")
@roles_required(Role.BENEFICIARY)
def confirmation_pdf(reference):
    """The printable confirmation, in Arabic."""
    service_request = _own_request(reference)
    with force_locale("ar"):
        pdf = render_pdf("pdf/request_confirmation.html", service_request=service_request)
    return pdf_response(pdf, f"request-{service_request.reference}.pdf")


def _render_request(service_request, reply_form=None, status=200):
    return render_page_or_partial(
        "messages/request.html",
        "partials/messages/thread.html",
        status,
        service_request=service_request,
        reply_form=reply_form or ReplyForm(formdata=None),
    )


@bp.route("/messages/<reference>")
@roles_required(Role.BENEFICIARY)
def show(reference):
    """Show a request: its status, the conversation, and what can be done next."""
    return _render_request(_own_request(reference))


@bp.route("/messages/<reference>/reply", methods=["POST"])
@roles_required(Role.BENEFICIARY)
def reply(reference):
    """Add the beneficiary's reply; with htmx only the conversation re-renders."""
    service_request = _own_request(reference)
    form = ReplyForm()
    if not service_request.is_open:
        form.form_errors.append(_("This request is finished and takes no more replies."))
        return _render_request(service_request, form, 409)
    if not form.validate_on_submit():
        return _render_request(service_request, form, 422)
    try:
        pipeline.beneficiary_reply(service_request, g.user, form.body.data)
    except pipeline.NotAllowed:
        form.form_errors.append(_("This request is finished and takes no more replies."))
        return _render_request(ServiceRequest.get_by_id(service_request.id), form, 409)
    if service_request.assignee_id:
        notify(
            service_request.assignee,
            _l("The beneficiary replied on request %(ref)s.", ref=reference),
            link=url_for("messages.agent_show", reference=reference),
        )
    if request.htmx:
        return _render_request(ServiceRequest.get_by_id(service_request.id))
    return redirect_after_post(url_for("messages.show", reference=reference) + "#thread")


@bp.route("/messages/<reference>/withdraw", methods=["GET", "POST"])
@roles_required(Role.BENEFICIARY)
def withdraw(reference):
    """Ask to confirm, then withdraw the request."""
    service_request = _own_request(reference)
    if request.method == "POST" and FlaskForm().validate_on_submit():
        try:
            pipeline.withdraw(service_request, g.user)
        except pipeline.NotAllowed:
            pass
        return redirect_after_post(url_for("messages.show", reference=reference))
    if not pipeline.can_withdraw(service_request.status):
        return redirect_after_post(url_for("messages.show", reference=reference))
    return render_template("messages/withdraw.html", service_request=service_request)


@bp.route("/messages/<reference>/attachments/<int:attachment_id>")
@login_required
def attachment(reference, attachment_id):
    """Send a request's file to its owner or the sector's agents; to others it does not exist."""
    service_request = get_or_404(ServiceRequest.select().where(ServiceRequest.reference == valid_reference(reference)))
    if not _may_see_files(g.user, service_request):
        abort(404)
    item = get_or_404(
        Attachment.select().where((Attachment.id == attachment_id) & (Attachment.request == service_request))
    )
    path = os.path.join(current_app.config["UPLOAD_FOLDER"], item.stored_name)
    if not os.path.isfile(path):
        abort(404)
    response = send_file(
        path, mimetype=item.content_type, as_attachment=True, download_name=item.original_name, max_age=0
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


from views import messages_sector  # noqa: E402,F401  (registers the agents' views on bp)
