"""No double booking, ever: people racing for the last seats, each on their own connection."""

import models
from domain import appointments as booking
from tests.helpers.appointments import branch, make_beneficiary, next_open_day, service
from tests.helpers.concurrency import race

PEOPLE = 50
SEATS = 5


def prepare(app, capacity):
    with app.app_context(), models.db.connection_context():
        the_branch, the_service = branch("passports_riyadh_north"), service("passport_issue")
        day = next_open_day()
        slot = booking.ensure_slot(the_branch, the_service, day, "09:00")
        models.Slot.update(capacity=capacity).where(models.Slot.id == slot.id).execute()
        return the_branch, the_service, day, slot


def test_fifty_people_racing_for_five_seats_get_five_appointments(app, in_app):
    the_branch, the_service, day, slot = prepare(app, SEATS)
    people = in_app(lambda: [make_beneficiary(n) for n in range(PEOPLE)])

    def attempt_for(person):
        return lambda: booking.book(person, the_branch, the_service, day, "09:00").id

    results = race(app, [attempt_for(person) for person in people])
    outcomes = [kind for kind, _detail in results]
    errors = [detail for kind, detail in results if kind == "error"]
    assert errors == []
    assert outcomes.count("done") == SEATS
    assert outcomes.count("refused") == PEOPLE - SEATS
    assert {detail for kind, detail in results if kind == "refused"} == {"taken"}
    with app.app_context(), models.db.connection_context():
        assert models.Appointment.select().where(models.Appointment.slot == slot.id).count() == SEATS
        assert models.Slot.get_by_id(slot.id).taken == SEATS
        numbers = [a.number for a in models.Appointment.select()]
        assert len(set(numbers)) == SEATS
    print(
        f"\n{PEOPLE} concurrent bookings, {SEATS} seats: "
        f"{outcomes.count('done')} booked, {outcomes.count('refused')} refused, {len(errors)} errors"
    )


def test_one_person_double_clicking_books_once(app, in_app):
    the_branch, the_service, day, slot = prepare(app, SEATS)
    person = in_app(lambda: models.User.get(models.User.national_id == "1000000008"))
    token = "double-click-token"
    attempt = lambda: booking.book(person, the_branch, the_service, day, "09:00", token=token).id  # noqa: E731
    results = race(app, [attempt] * 10)
    assert [kind for kind, _ in results] == ["done"] * 10
    assert len({appointment_id for _, appointment_id in results}) == 1
    with app.app_context(), models.db.connection_context():
        assert models.Appointment.select().count() == 1
        assert models.Slot.get_by_id(slot.id).taken == 1


def test_one_person_racing_with_different_submissions_gets_one_appointment(app, in_app):
    the_branch, the_service, day, slot = prepare(app, SEATS)
    person = in_app(lambda: models.User.get(models.User.national_id == "1000000008"))

    def attempt_at(start):
        return lambda: booking.book(person, the_branch, the_service, day, start).id

    results = race(app, [attempt_at(start) for start in ["09:00", "09:15", "09:30", "09:45"] * 3])
    outcomes = [kind for kind, _ in results]
    assert outcomes.count("done") == 1 and outcomes.count("error") == 0
    assert {detail for kind, detail in results if kind == "refused"} == {"already"}
    with app.app_context(), models.db.connection_context():
        assert models.Appointment.select().count() == 1
        assert sum(s.taken for s in models.Slot.select()) == 1
