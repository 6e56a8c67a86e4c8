"""The branch desk: the day's appointments, attendance, and printing slips.

Registered on the ``appointments`` blueprint by ``views.appointments``.
"""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import _

from domain import appointments as booking
from domain.dates import today
from domain.identity import normalize_digits
from models import Appointment, AppointmentStatus, Role, Service, User
from views.access import roles_required
from views.appointments import (
    NUMBER_PATTERN,
    STATUS_NAMES,
    bp,
    desk_appointment_or_404,
    parse_day,
    slip_context,
)
from views.printing import pdf_response, render_pdf
from views.rendering import render_page_or_partial, safe_next


def desk_day():
    return parse_day(request.args.get("date")) or today()


def branch_day(branch, day):
    return (
        Appointment.select(Appointment, User, Service)
        .join(User, on=(Appointment.user == User.id))
        .switch(Appointment)
        .join(Service)
        .where((Appointment.branch == branch) & (Appointment.date == day))
        .order_by(Appointment.start, Appointment.number)
    )


@bp.route("/desk")
@roles_required(Role.DESK)
def desk():
    """Show the branch's appointments of a day; find one by number or ID."""
    if g.user.branch is None:
        abort(403)
    day = desk_day()
    query = normalize_digits(request.args.get("q") or "")
    found = None
    if query:
        match = NUMBER_PATTERN.search(query)
        if match:
            appointment = Appointment.get_or_none(
                (Appointment.number == match.group(0).upper()) & (Appointment.branch == g.user.branch)
            )
            if appointment is not None:
                return redirect(url_for("appointments.desk_appointment", number=appointment.number))
            found = []
        else:
            found = list(
                Appointment.select(Appointment, User, Service)
                .join(User, on=(Appointment.user == User.id))
                .switch(Appointment)
                .join(Service)
                .where((Appointment.branch == g.user.branch) & (User.national_id == query))
                .order_by(Appointment.date.desc(), Appointment.start)
                .limit(50)
            )
    rows = list(branch_day(g.user.branch, day)) if found is None else found
    return render_template(
        "appointments/desk.html",
        branch=g.user.branch,
        day=day,
        rows=rows,
        query=query,
        searching=found is not None,
        today=today(),
    )


@bp.route("/desk/appointments/<number>")
@roles_required(Role.DESK)
def desk_appointment(number):
    """Open one appointment of the branch, with the request it came from."""
    appointment = desk_appointment_or_404(number)
    return render_template(
        "appointments/desk_appointment.html",
        appointment=appointment,
        today=today(),
    )


@bp.route("/desk/appointments/<number>/attendance", methods=["POST"])
@roles_required(Role.DESK)
def attendance(number):
    """Mark «حضر» or «لم يحضر»; htmx gets the re-rendered row."""
    appointment = desk_appointment_or_404(number)
    attended = request.form.get("attended")
    if attended not in ("yes", "no"):
        abort(400)
    status = 200
    error = None
    try:
        appointment = booking.mark_attendance(appointment, attended == "yes")
    except booking.BookingError as refused:
        error, status = str(refused.message), 409
    done = _("Appointment %(number)s: %(status)s.", number=appointment.number, status=STATUS_NAMES[appointment.status])
    if request.htmx:
        return render_page_or_partial(
            "partials/appointments/desk_row.html",
            "partials/appointments/desk_row.html",
            status=status,
            announce=error or done,
            appointment=appointment,
            error=error,
            today=today(),
        )
    if error:
        flash(error, "error")
    else:
        flash(done, "success")
    back = safe_next(request.form.get("next"), url_for("appointments.desk", date=appointment.date.isoformat()))
    return redirect(back, 303)


@bp.route("/desk/slips.pdf")
@roles_required(Role.DESK)
def desk_slips():
    """Print all the day's slips as one PDF, one slip a page («طباعة مواعيد اليوم»)."""
    day = desk_day()
    appointments = [a for a in branch_day(g.user.branch, day) if a.status != AppointmentStatus.CANCELLED]
    slips = [slip_context(appointment) for appointment in appointments]
    pdf = render_pdf("pdf/appointment_slips.html", slips=slips, day=day, branch=g.user.branch)
    return pdf_response(pdf, f"appointments-{day.isoformat()}.pdf")
