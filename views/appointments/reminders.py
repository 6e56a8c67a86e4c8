"""The reminder of the day before, run by the worker: the domain decides, this gives it the site's links."""

from flask import url_for
from huey import crontab

import worker
from domain import appointments as booking
from views.appointments import bp, show_link


def slip_address(appointment):
    """The slip's full address, for an SMS."""
    return url_for(f"{bp.name}.slip", number=appointment.number, _external=True)


# Hourly from 09:00 to 21:00 in Riyadh (06:00–18:00 UTC), so nobody is texted at night.
@worker.periodic_task(crontab(minute="0", hour="6-18"))
def remind_tomorrows_visits():
    """Remind tomorrow's visitors of their appointment, each once."""
    with worker.public_request_context():
        return booking.remind_tomorrows_visits(link=show_link, slip_link=slip_address)
