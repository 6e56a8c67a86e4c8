"""The branch desk: the day's appointments, finding one, and attendance (the day's print is ``print_jobs``)."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import _

from domain import appointments as booking
from domain.dates import parse_day, today
from domain.errors import Conflict, Refused
from domain.identity import normalize_digits
from models import Role
from views.access import roles_required
from views.appointments import bp, case_link, desk_appointment_or_404, rebook_link
from views.rendering import render_page_or_partial, safe_next


def desk_day():
    """The day asked for in ?date=, or today (also for a day that is not one, or beyond the calendar)."""
    return parse_day(request.args.get("date")) or today()


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
        number = booking.number_in(query)
        if number:
            appointment = booking.at_branch(g.user.branch, number)
            if appointment is not None:
                return redirect(url_for("appointments.desk_appointment", number=appointment.number))
            found = []
        else:
            found = booking.of_national_id(g.user.branch, query)
    rows = list(booking.day_at_branch(g.user.branch, day)) if found is None else found
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
    return render_template("appointments/desk_appointment.html", appointment=appointment, today=today(), detailed=True)


@bp.route("/desk/appointments/<number>/attendance", methods=["POST"])
@roles_required(Role.DESK)
def attendance(number):
    """Record «حضر» or «لم يحضر» (a change needs a reason), with a note for the sector; htmx gets the row."""
    appointment = desk_appointment_or_404(number)
    attended = request.form.get("attended")
    if attended not in ("yes", "no"):
        abort(400)
    typed = {"reason": request.form.get("reason", ""), "note": request.form.get("note", "")}
    status, error = 200, None
    try:
        appointment = booking.mark_attendance(
            appointment,
            attended == "yes",
            g.user,
            version=request.form.get("version"),
            reason=typed["reason"],
            note=typed["note"],
            rebook_link=rebook_link,
            staff_link=case_link,
        )
        typed = {}
    except Refused as refused:
        error, status = str(refused.message), 422
    except Conflict as conflict:
        appointment = conflict.current
        error, status = (
            _("Someone else recorded this visit meanwhile. Nothing you sent was saved; check it and try again."),
            409,
        )
    done = _("Appointment %(number)s: %(status)s.", number=appointment.number, status=booking.label(appointment.status))
    if request.htmx:
        return render_page_or_partial(
            "partials/appointments/desk_row.html",
            "partials/appointments/desk_row.html",
            status=status,
            announce=error or done,
            appointment=appointment,
            error=error,
            typed=typed,
            today=today(),
            detailed=request.form.get("detailed") == "1",
        )
    if error:
        # Without JavaScript the appointment's page comes back with the message and what was typed.
        return render_template(
            "appointments/desk_appointment.html",
            appointment=appointment,
            today=today(),
            detailed=True,
            error=error,
            typed=typed,
        ), status
    flash(done, "success")
    back = safe_next(request.form.get("next"), url_for("appointments.desk", date=appointment.date.isoformat()))
    return redirect(back, 303)
