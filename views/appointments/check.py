"""The public check page a slip's QR code opens: is this appointment confirmed, where and when.

Opened without signing in, by the appointment's random token; it shows no name,
no ID and no appointment number.
"""

from flask import render_template

from domain import appointments as booking
from views.access import found_or_404
from views.appointments import bp


@bp.route("/check/<token>")
def check(token):
    """Show whether the appointment is confirmed or cancelled, its branch, day and time."""
    appointment = found_or_404(booking.checked_appointment(token))
    response = render_template("appointments/check.html", appointment=appointment)
    return response, 200, {"Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"}
