"""Appointments (المواعيد): booking a branch visit, changing or cancelling it, its slip, and the branch desk.

``booking`` holds the beneficiary's pages, ``desk`` the branch desk's,
``slips`` the printed slip, ``print_jobs`` the desk's print of a whole day
(rendered by the worker), ``reminders`` the worker's reminder of the day
before (it needs the site's addresses); they share the helpers below and never import
each other.
"""

from flask import Blueprint, current_app, g, request, url_for

from domain.appointments import STEPS, at_branch, attendance_window, own_appointment
from domain.dates import format_month, format_weekday, hijri, week_days
from models import RequestStatus
from views.access import found_or_404
from views.printing import qr_data_uri

bp = Blueprint("appointments", __name__)


bp.add_app_template_global(format_weekday)
bp.add_app_template_global(format_month)
bp.add_app_template_global(week_days)
bp.add_app_template_filter(lambda day: hijri(day).day, "hijri_day")
bp.add_app_template_global(attendance_window)


def partial_step():
    """The step whose following steps an htmx request asks for (from its target's id)."""
    target = request.headers.get("HX-Target", "")
    step = target.removeprefix("after-")
    return step if step in STEPS else None


def show_link(appointment):
    """The address of an appointment's page, for the notifications about it."""
    return url_for("appointments.show", number=appointment.number)


def rebook_link(appointment):
    """Where a missed visit's notification points: a new booking at the same branch (with its request)."""
    branch = appointment.branch
    answers = {"region": branch.city.region.code, "branch": branch.code}
    if appointment.request_id is not None and appointment.request.status == RequestStatus.NEEDS_VISIT:
        answers["request"] = appointment.request.reference
    else:
        answers.update(sector=branch.sector.code, service=appointment.service.code)
    return url_for("appointments.book", **answers)


def case_link(service_request):
    """Where the agent's notification about a visit points: the request in their workspace."""
    return url_for("messages.agent_show", reference=service_request.reference)


def own_appointment_or_404(number):
    """The signed-in beneficiary's appointment of that number, or 404."""
    return found_or_404(own_appointment(g.user, number))


def desk_appointment_or_404(number):
    """The desk's branch's appointment of that number, or 404."""
    return found_or_404(at_branch(g.user.branch, number))


def public_url(endpoint, **values):
    """An address of the site as someone outside it opens it (a QR code, a calendar entry)."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def verification_url(appointment):
    """The public check page of the appointment, as the slip's QR code carries it: no sign-in, no name."""
    return public_url("appointments.check", token=appointment.check_token)


def slip_context(appointment):
    """What a slip template needs: the appointment and its QR code."""
    return {
        "appointment": appointment,
        "qr": qr_data_uri(f"{appointment.number}\n{verification_url(appointment)}"),
    }


from views.appointments import booking, check, desk, print_jobs, reminders, slips  # noqa: E402,F401
