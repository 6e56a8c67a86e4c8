"""The beneficiary's appointments: booking step by step, the review, changing and cancelling."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import _

from domain import appointments as booking
from domain.dates import now_riyadh
from domain.errors import Refused
from domain.tokens import already_submitted, new_token, valid_token
from models import Appointment, Role
from views import limits
from views.access import roles_required
from views.appointments import bp, case_link, own_appointment_or_404, partial_step, show_link
from views.rendering import redirect_after_post, render_page_or_partial

# Refusals that are about someone else's booking, not about what was typed.
CONFLICTS = ("taken", "already")


def booking_state(values):
    """The booking answers in ``values``; 404 for a request that is not the person's."""
    state = booking.BookingState(values, g.user, now_riyadh())
    if state.unknown_request:
        abort(404)
    return state


@bp.route("/appointments")
@roles_required(Role.BENEFICIARY)
def index():
    """Show the beneficiary's appointments, the coming ones first."""
    coming, past = booking.appointments_of(g.user)
    return render_template("appointments/index.html", coming=coming, past=past)


@bp.route("/appointments/book", methods=["GET", "POST"])
@roles_required(Role.BENEFICIARY)
def book():
    """Book a visit step by step; ?request=<reference> carries a request that needs a visit."""
    if request.method == "POST":
        return confirm()
    state = booking_state(request.args)
    reviewing = bool(request.args.get("review"))
    if reviewing:
        state.require_time()
    active = state.active_appointment()
    if reviewing and state.reached == "review" and active is None:
        return render_template("appointments/review.html", state=state, token=new_token())
    return render_page_or_partial(
        "appointments/book.html",
        "partials/appointments/steps.html",
        status=422 if state.errors else 200,
        state=state,
        step=partial_step(),
        active=active,
    )


def confirm():
    """Save the appointment from the review step; a second click gets the same one."""
    token = valid_token(request.form.get("token"))
    try:
        done = already_submitted(Appointment, token, g.user)
    except Refused as refused:  # another person's form: review again, with a token of one's own
        flash(str(refused.message), "error")
        return redirect_after_post(url_for("appointments.book", review=1, **booking_state(request.form).query()))
    if done is not None:
        return redirect_after_post(show_link(done))
    state = booking_state(request.form)
    if state.reached != "review":
        status = 409 if state.errors.get("time") else 422
        return render_template("appointments/book.html", state=state, step=None, active=None), status
    seconds = limits.wait_for("booking")
    if seconds:
        flash(limits.wait_message(seconds), "error")
        return render_template("appointments/book.html", state=state, step=None, active=None), 429
    try:
        appointment = booking.confirm_booking(state, token=token, link=show_link, case_link=case_link)
    except Refused as refused:
        status = 409 if refused.code in CONFLICTS else 422
        page = render_template("appointments/book.html", state=state, step=None, active=state.active_appointment())
        return page, status
    return redirect_after_post(show_link(appointment))


@bp.route("/appointments/<number>")
@roles_required(Role.BENEFICIARY)
def show(number):
    """Show one appointment with its number, status and «طباعة الموعد»."""
    appointment = own_appointment_or_404(number)
    # Just moved («تعديل»): the heading says so instead of «تم حجز موعدك».
    changed = request.args.get("changed") == "1" and appointment.version > 1
    return render_template("appointments/show.html", appointment=appointment, changed=changed)


@bp.route("/appointments/<number>/cancel", methods=["GET", "POST"])
@roles_required(Role.BENEFICIARY)
def cancel(number):
    """Ask to confirm, then cancel the appointment and free its seat at once."""
    appointment = own_appointment_or_404(number)
    if request.method == "GET":
        if not appointment.is_active:
            return redirect(url_for("appointments.show", number=appointment.number), 303)
        return render_template("appointments/cancel.html", appointment=appointment)
    try:
        booking.cancel(appointment, link=show_link, case_link=case_link)
    except Refused as refused:
        flash(str(refused.message), "error")
    else:
        flash(_("Appointment %(number)s is cancelled.", number=appointment.number), "success")
    return redirect_after_post(url_for("appointments.index"))


@bp.route("/appointments/<number>/change", methods=["GET", "POST"])
@roles_required(Role.BENEFICIARY)
def change(number):
    """Choose a new day and time at the same branch for the same service («تعديل»)."""
    appointment = own_appointment_or_404(number)
    if not appointment.is_active:
        abort(404)
    source = request.form if request.method == "POST" else request.args
    state = booking.ChangeState(appointment, source, now_riyadh())
    status = 422 if state.errors else 200
    # Without JavaScript «التالي» also posts: only «تأكيد التعديل» (confirm) moves the seat.
    if request.method == "POST" and state.reached == "review" and request.form.get("confirm"):
        try:
            booking.confirm_change(state, link=show_link, case_link=case_link)
        except Refused:
            status = 409
        else:
            flash(_("Appointment %(number)s is moved.", number=appointment.number), "success")
            return redirect_after_post(url_for("appointments.show", number=appointment.number, changed=1))
    elif request.method == "POST" and state.errors:
        status = 409 if state.errors.get("time") else 422
    return render_page_or_partial(
        "appointments/change.html",
        "partials/appointments/change_steps.html",
        status=status,
        state=state,
        appointment=appointment,
        step=partial_step(),
    )
