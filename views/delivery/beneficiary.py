"""Document delivery: the beneficiary's pages, from the ready documents to the receipt."""

from flask import abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import _

from domain.dates import format_dual, parse_day, riyadh_date
from domain.delivery import bills, moves, payments, pipeline, requests, sadad
from domain.delivery.address import FIELDS, mask_mobile, mask_short_address
from domain.errors import Conflict, Refused
from domain.tokens import new_token
from models import DeliveryStatus, DocumentStatus, Role
from views.access import found_or_404, roles_required
from views.delivery import bp, track_link
from views.delivery.forms import AddressForm, RequestForm
from views.printing import pdf_response, qr_data_uri, render_pdf
from views.rendering import redirect_after_post, render_page_or_partial, wants_partial


def own_document(document_id):
    """The signed-in beneficiary's document, or 404 (another person's too)."""
    return found_or_404(requests.own_document(g.user, document_id))


def own_delivery(delivery_id):
    """The signed-in beneficiary's delivery, or 404 (another person's too)."""
    return found_or_404(requests.own_delivery(g.user, delivery_id))


def form_page(template, status=200, **context):
    """Render an address form page; its URL also answers htmx field checks, hence Vary."""
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


def field_partial(form, page, **context):
    """For htmx, check only the field that lost focus and return its group."""
    name = request.headers.get("HX-Trigger-Name")
    if not wants_partial() or name not in FIELDS:
        return None
    valid = form.validate_one(name)
    return render_page_or_partial(
        page,
        "partials/delivery/address_field.html",
        200 if valid else 422,
        announce=None if valid else form[name].errors[0],
        form=form,
        field=form[name],
        **context,
    )


@bp.route("/delivery")
@roles_required(Role.BENEFICIARY)
def index():
    """Show the beneficiary's ready documents and delivery requests."""
    return render_template(
        "delivery/index.html",
        documents=list(requests.ready_documents(g.user)),
        deliveries=list(requests.deliveries_of(g.user)),
    )


@bp.route("/delivery/request/<int:document_id>", methods=["GET", "POST"])
@roles_required(Role.BENEFICIARY)
def request_form(document_id):
    """Ask for the national address; a valid address goes on to the review step."""
    document = own_document(document_id)
    if document.status != DocumentStatus.READY and request.method == "GET":
        flash(str(requests.refusal_for_document(document)), "error")
        return redirect(url_for("delivery.index"))
    saved = list(requests.saved_addresses(g.user))
    form = RequestForm()
    if request.method == "GET":
        chosen = request.args.get("saved", type=int)
        source = next((item for item in saved if item.id == chosen), None)
        if source is not None:
            form.fill_from(source)
        elif not form.mobile.data:
            form.mobile.data = g.user.phone
    action = url_for("delivery.request_form", document_id=document.id)
    context = dict(document=document, saved=saved, fee=bills.fee(), action=action)
    partial = field_partial(form, "delivery/request.html", **context)
    if partial is not None:
        return partial
    if request.method == "POST" and not request.form.get("edit"):
        if form.validate():
            form.submission_token.data = new_token()
            return form_page("delivery/review.html", form=form, city=city_name(form), **context)
        return form_page("delivery/request.html", 422, form=form, **context)
    return form_page("delivery/request.html", form=form, **context)


def city_name(form):
    """The name of the city chosen in the form."""
    return dict(form.city.choices).get(form.city.data, "")


@bp.route("/delivery/request/<int:document_id>/confirm", methods=["POST"])
@roles_required(Role.BENEFICIARY)
def confirm(document_id):
    """Create the delivery from the reviewed address; a second click finds the first."""
    document = own_document(document_id)
    form = RequestForm()
    if not form.validate():
        context = dict(
            document=document,
            saved=list(requests.saved_addresses(g.user)),
            fee=bills.fee(),
            action=url_for("delivery.request_form", document_id=document.id),
        )
        return form_page("delivery/request.html", 422, form=form, **context)
    try:
        delivery, _created = requests.request_delivery(
            g.user,
            document,
            form.cleaned(),
            form.submission_token.data,
            save_address=form.save_address.data,
            track_link=track_link,
        )
    except Refused as refused:
        flash(str(refused.message), "error")
        return redirect_after_post(url_for("delivery.index"))
    return redirect_after_post(url_for("delivery.confirmation", delivery_id=delivery.id))


def bill_context(delivery):
    """What the pages show of the delivery's SADAD bill."""
    bill = bills.bill_of(delivery)
    return dict(
        bill=bill,
        biller_code=bills.biller_code(),
        may_pay_here=bill is not None and delivery.status == DeliveryStatus.AWAITING_PAYMENT and sadad.demo_payments(),
    )


@bp.route("/delivery/<int:delivery_id>/confirmation")
@roles_required(Role.BENEFICIARY)
def confirmation(delivery_id):
    """Show the tracking number and the SADAD bill of a new delivery, with «طباعة»."""
    delivery = own_delivery(delivery_id)
    return render_template("delivery/confirmation.html", delivery=delivery, **bill_context(delivery))


@bp.route("/delivery/<int:delivery_id>/demo-payment", methods=["GET", "POST"])
@roles_required(Role.BENEFICIARY)
def demo_payment(delivery_id):
    """«سداد تجريبي»: pay the bill as a bank would, by the provider's signed notice (demo mode only)."""
    delivery = own_delivery(delivery_id)
    context = bill_context(delivery)
    if not sadad.demo_payments() or context["bill"] is None:
        abort(404)
    if request.method == "GET":
        return render_template("delivery/demo_payment.html", delivery=delivery, **context)
    try:
        body, signature = payments.bill_for_demo(context["bill"])
        notice = payments.read_notice(body, signature)
        _bill, changed = payments.confirm_payment(notice, track_link=track_link)
        if changed:
            flash(_("The bill is paid; your delivery request is received."), "success")
        else:
            flash(_("This bill was already paid."), "success")
    except Refused as refused:
        flash(str(refused.message), "error")
    return redirect_after_post(url_for("delivery.track", delivery_id=delivery.id))


def track_context(delivery, **extra):
    """What «تتبع الشحنة» shows, with what the beneficiary may do now."""
    max_attempts = moves.max_attempts()
    may_collect = pipeline.refusal(delivery.status, DeliveryStatus.RETURNED, pipeline.BENEFICIARY) is None
    rearrange = pipeline.may_rearrange(delivery.status, delivery.attempts, max_attempts)
    return dict(
        delivery=delivery,
        events=list(requests.history(delivery)),
        changeable=pipeline.is_changeable(delivery.status),
        may_collect=may_collect,
        may_rearrange=rearrange,
        days=[{"value": day.isoformat(), "text": format_dual(day)} for day in requests.days_for_next_attempt()]
        if rearrange
        else [],
        branch=requests.branch_of(delivery) if may_collect else None,
        max_attempts=max_attempts,
        **bill_context(delivery),
        **extra,
    )


@bp.route("/delivery/<int:delivery_id>")
@roles_required(Role.BENEFICIARY)
def track(delivery_id):
    """«تتبع الشحنة»: the delivery's statuses with date, time and note, and what may be done now."""
    return render_template("delivery/track.html", **track_context(own_delivery(delivery_id)))


@bp.route("/delivery/<int:delivery_id>/next-day", methods=["POST"])
@roles_required(Role.BENEFICIARY)
def next_day(delivery_id):
    """After a failed attempt, ask for the next one on a chosen day."""
    delivery = own_delivery(delivery_id)
    chosen = request.form.get("day", "")
    try:
        requests.choose_day(
            delivery, request.form.get("version", type=int), g.user, parse_day(chosen), track_link=track_link
        )
    except Refused as refused:
        if refused.code != "day":
            # Not the moment for a day any more: the tracking page says what can be done now.
            flash(str(refused.message), "error")
            return redirect_after_post(url_for("delivery.track", delivery_id=delivery.id))
        context = track_context(delivery, day_error=str(refused.message), chosen_day=chosen)
        return render_template("delivery/track.html", **context), 422
    except Conflict as conflict:
        flash(
            _(
                "The delivery changed while you were looking at it; it is now «%(status)s».",
                status=pipeline.label(conflict.current.status),
            ),
            "error",
        )
        return redirect_after_post(url_for("delivery.track", delivery_id=delivery.id))
    flash(_("The next attempt will be on the day you chose."), "success")
    return redirect_after_post(url_for("delivery.track", delivery_id=delivery.id))


def beneficiary_move(delivery_id, target, done_message):
    """Cancel, or switch to collecting at the branch, then go back to the tracking page."""
    delivery = own_delivery(delivery_id)
    version = request.form.get("version", type=int)
    try:
        moves.move(delivery.id, version, target, g.user, pipeline.BENEFICIARY, track_link=track_link)
        flash(done_message, "success")
    except Refused as refused:
        flash(str(refused.message), "error")
    except Conflict as conflict:
        flash(
            _(
                "The delivery changed while you were looking at it; it is now «%(status)s».",
                status=pipeline.label(conflict.current.status),
            ),
            "error",
        )
    return redirect_after_post(url_for("delivery.track", delivery_id=delivery.id))


@bp.route("/delivery/<int:delivery_id>/cancel", methods=["GET", "POST"])
@roles_required(Role.BENEFICIARY)
def cancel(delivery_id):
    """Ask to confirm, then cancel the delivery (only before Saudi Post has the document)."""
    if request.method == "GET":
        delivery = own_delivery(delivery_id)
        if not pipeline.is_changeable(delivery.status):
            return redirect(url_for("delivery.track", delivery_id=delivery.id), 303)
        return render_template("delivery/cancel.html", delivery=delivery)
    return beneficiary_move(
        delivery_id, DeliveryStatus.CANCELLED, _("The delivery was cancelled; the document is ready at the branch.")
    )


@bp.route("/delivery/<int:delivery_id>/collect-at-branch", methods=["POST"])
@roles_required(Role.BENEFICIARY)
def collect_at_branch(delivery_id):
    """After a failed attempt, collect the document at the branch instead."""
    return beneficiary_move(
        delivery_id,
        DeliveryStatus.RETURNED,
        _("The document will be returned to the branch; collect it there with your ID."),
    )


@bp.route("/delivery/<int:delivery_id>/address", methods=["GET", "POST"])
@roles_required(Role.BENEFICIARY)
def change_address(delivery_id):
    """Change the national address, only before Saudi Post has the document."""
    delivery = own_delivery(delivery_id)
    if not requests.address_changeable(delivery):
        flash(
            _(
                "The address can no longer be changed: the delivery is «%(status)s».",
                status=pipeline.label(delivery.status),
            ),
            "error",
        )
        return redirect_after_post(url_for("delivery.track", delivery_id=delivery.id))
    form = AddressForm()
    if request.method == "GET":
        form.fill_from(delivery)
    context = dict(
        delivery=delivery,
        version=request.form.get("version", delivery.version, type=int),
        action=url_for("delivery.change_address", delivery_id=delivery.id),
    )
    partial = field_partial(form, "delivery/change_address.html", **context)
    if partial is not None:
        return partial
    if request.method == "GET":
        return form_page("delivery/change_address.html", form=form, **context)
    if not form.validate():
        return form_page("delivery/change_address.html", 422, form=form, **context)
    try:
        requests.change_address(delivery, context["version"], g.user, form.cleaned(), track_link=track_link)
        flash(_("The delivery address was changed."), "success")
    except Refused as refused:
        flash(str(refused.message), "error")
    except Conflict as conflict:
        flash(
            _(
                "The delivery changed while you were editing; it is now «%(status)s». Check the address again.",
                status=pipeline.label(conflict.current.status),
            ),
            "error",
        )
    return redirect_after_post(url_for("delivery.track", delivery_id=delivery.id))


@bp.route("/delivery/<int:delivery_id>/receipt.pdf")
@roles_required(Role.BENEFICIARY)
def receipt(delivery_id):
    """«طباعة»: the delivery receipt as a PDF, with a QR code of the tracking number."""
    delivery = own_delivery(delivery_id)
    pdf = render_pdf(
        "pdf/delivery.html",
        delivery=delivery,
        short_address=mask_short_address(delivery.short_address),
        mobile=mask_mobile(delivery.mobile),
        requested_on=riyadh_date(delivery.created_at),
        qr=qr_data_uri(delivery.tracking_number),
        **bill_context(delivery),
    )
    return pdf_response(pdf, f"delivery-{delivery.tracking_number}.pdf")
