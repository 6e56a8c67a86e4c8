"""An appointment's printed slip («طباعة الموعد»), for its beneficiary and for the branch desk."""

from urllib.parse import urlsplit

from flask import abort, current_app, g, make_response
from flask_babel import get_locale
from flask_babel import gettext as _

from domain import appointments as booking
from domain.dates import riyadh_date
from models import AppointmentStatus, Role
from views.access import roles_required
from views.appointments import (
    bp,
    desk_appointment_or_404,
    own_appointment_or_404,
    public_url,
    slip_context,
    verification_url,
)
from views.printing import pdf_response, render_pdf


def render_slip(appointment):
    """Render an appointment's slip, dated the day the appointment last changed."""
    issued = riyadh_date(appointment.updated_at)
    return render_pdf("pdf/appointment_slip.html", printed_on=issued, **slip_context(appointment))


@bp.route("/appointments/<number>/slip.pdf")
@roles_required(Role.BENEFICIARY, Role.DESK)
def slip(number):
    """Print the appointment's slip («طباعة الموعد»), A6; each version is rendered once."""
    appointment = desk_appointment_or_404(number) if g.user.role == Role.DESK else own_appointment_or_404(number)
    if appointment.status == AppointmentStatus.CANCELLED:
        abort(404)
    pdf = booking.slip_pdf(appointment, str(get_locale()), render_slip)
    return pdf_response(pdf, f"{appointment.number}.pdf")


@bp.route("/appointments/<number>/calendar.ics")
@roles_required(Role.BENEFICIARY)
def calendar_file(number):
    """Send the appointment as a calendar entry («إضافة إلى التقويم»): Riyadh time, the branch's address, the number."""
    appointment = own_appointment_or_404(number)
    if appointment.status != AppointmentStatus.CONFIRMED:
        abort(404)
    branch = appointment.branch
    summary = _("Appointment %(number)s: %(service)s", number=appointment.number, service=appointment.service.name)
    location = f"{branch.name} — {branch.address}" if branch.address else branch.name
    description = "\n".join(
        [
            _("Appointment number: %(number)s", number=appointment.number),
            _("Please arrive 15 minutes before your time."),
            public_url("appointments.show", number=appointment.number),
        ]
    )
    domain = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "tawasul"
    body = booking.appointment_ics(appointment, summary, location, description, verification_url(appointment), domain)
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{appointment.number}.ics"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
