"""Give the demo accounts something to look at: a request that needs a branch
visit, an appointment booked for it, and a delivery on its way.

Used by the reach checks so that crawling reaches the detail pages too.
"""

from flask import url_for

import models
from domain import appointments
from domain import requests as request_rules
from domain.delivery import requests as delivery
from domain.demo import demo_branch
from tests.helpers.accounts import DEMO
from tests.helpers.addresses import ADDRESS
from tests.helpers.messaging import create_request


def populate(app, citizen_client):
    """Create one of each record for the demo citizen; return their keys."""
    reference = create_request(citizen_client, body="أرغب في تجديد جواز سفري، ولدي سؤال عن الرسوم.")
    with app.test_request_context(), models.db.connection_context():
        agent = models.User.get(models.User.national_id == DEMO["agent"])
        citizen = models.User.get(models.User.national_id == DEMO["citizen"])
        service_request = models.ServiceRequest.get(models.ServiceRequest.reference == reference)
        request_rules.take(service_request, service_request.version, agent)
        service_request = models.ServiceRequest.get_by_id(service_request.id)
        request_rules.staff_reply(
            service_request,
            service_request.version,
            agent,
            "يرجى زيارة الفرع مع جواز السفر الأصلي.",
            to_status=models.RequestStatus.NEEDS_VISIT,
        )
        branch = demo_branch()
        service = service_request.service
        day = appointments.first_free_day(branch, service)
        start, _ = appointments.free_times(branch, service, day)[0]
        appointment = appointments.book(citizen, branch, service, day, start, service_request=service_request)
        document = models.Document.get(
            (models.Document.user == citizen) & (models.Document.status == models.DocumentStatus.READY)
        )
        shipment, _ = delivery.request_delivery(
            citizen,
            document,
            ADDRESS,
            "populate-token",
            track_link=lambda made: url_for("delivery.track", delivery_id=made.id),
        )
    return {"request": reference, "appointment": appointment.number, "delivery": shipment.id}
