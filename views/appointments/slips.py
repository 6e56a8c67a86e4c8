"""An appointment's printed slip («طباعة الموعد»), for its beneficiary and for the branch desk."""

from flask import abort, g
from flask_babel import get_locale

from domain import appointments as booking
from domain.dates import riyadh_date
from models import AppointmentStatus, Role
from views.access import roles_required
from views.appointments import bp, desk_appointment_or_404, own_appointment_or_404, slip_context
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
