"""`flask seed-scale`: synthetic data the app keeps working on — people sign in, new records get fresh numbers."""

import re

import pytest
from peewee import fn

import models
from domain import appointments as booking
from domain.identity import is_valid_national_id
from domain.scale import SCALE_PASSWORD, beneficiary_id
from tests.helpers.accounts import sign_in
from tests.helpers.appointments import ISSUE, NORTH, branch, next_open_day, service
from tests.helpers.messaging import create_request

REQUESTS, APPOINTMENTS, DELIVERIES = 200, 50, 200


@pytest.fixture
def seeded(app):
    result = app.test_cli_runner().invoke(
        args=["seed-scale", "--requests", REQUESTS, "--appointments", APPOINTMENTS, "--deliveries", DELIVERIES]
    )
    assert result.exit_code == 0, result.output
    return app


def test_the_rows_are_there_and_every_id_passes_the_check_digit(seeded, in_app):
    counts = in_app(
        lambda: (
            models.ServiceRequest.select().count(),
            models.Appointment.select().count(),
            models.Delivery.select().count(),
            models.DeliveryEvent.select().count() >= DELIVERIES,
            [u.national_id for u in models.User.select(models.User.national_id)],
        )
    )
    assert counts[:4] == (REQUESTS, APPOINTMENTS, DELIVERIES, True)
    assert all(is_valid_national_id(national_id) for national_id in counts[4])


def test_a_seeded_beneficiary_signs_in_and_sees_their_requests(seeded, client, in_app):
    national_id = beneficiary_id(3)
    theirs = in_app(
        lambda: [
            r.reference
            for r in models.ServiceRequest.select().join(models.User).where(models.User.national_id == national_id)
        ]
    )
    assert theirs
    sign_in(client, national_id, SCALE_PASSWORD)
    page = client.page("/messages")
    assert page.status == 200
    for reference in theirs[:20]:
        assert reference in page.text


def test_new_records_after_seeding_get_fresh_numbers(seeded, client, in_app):
    before = in_app(lambda: {r.reference for r in models.ServiceRequest.select(models.ServiceRequest.reference)})
    sign_in(client, beneficiary_id(5), SCALE_PASSWORD)
    reference = create_request(client)
    assert reference not in before

    with seeded.test_request_context(), models.db.connection_context():
        person = models.User.get(models.User.national_id == beneficiary_id(7))
        numbers = {a.number for a in models.Appointment.select(models.Appointment.number)}
        number = booking.book(person, branch(NORTH), service(ISSUE), next_open_day(after=1), "13:00").number
    assert re.fullmatch(r"A\d{4}-\d{6}", number) and number not in numbers


def test_seats_and_counters_are_consistent(seeded, in_app):
    def check():
        holding = (
            models.Appointment.select(models.Appointment.slot, fn.COUNT(models.Appointment.id).alias("n"))
            .where(models.Appointment.status != models.AppointmentStatus.CANCELLED)
            .group_by(models.Appointment.slot)
        )
        held = {row.slot_id: row.n for row in holding}
        slots = list(models.Slot.select())
        counters = {(c.name, c.year): c.value for c in models.ReferenceCounter.select()}
        return held, slots, counters, list(models.ServiceRequest.select(models.ServiceRequest.reference))

    held, slots, counters, requests = in_app(check)
    assert slots
    for slot in slots:
        assert slot.taken == held.get(slot.id, 0) <= slot.capacity
    newest = {}
    for row in requests:
        year, sequence = row.reference[1:].split("-")
        newest[int(year)] = max(newest.get(int(year), 0), int(sequence))
    assert all(counters[("request", year)] == value for year, value in newest.items())


def test_the_officer_list_shows_seeded_deliveries(seeded, make_client, in_app):
    newest = in_app(lambda: models.Delivery.select().order_by(models.Delivery.id.desc()).first().tracking_number)
    page = make_client("officer").page("/officer/deliveries")
    assert page.status == 200
    assert newest in page.text


def test_seeding_twice_is_refused(seeded):
    result = seeded.test_cli_runner().invoke(args=["seed-scale", "--requests", 1])
    assert result.exit_code != 0
    assert "already" in result.output
