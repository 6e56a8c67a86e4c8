"""No double booking, ever: people racing for the last seats, each on their own connection."""

import threading

import models
from domain import appointments as booking
from domain.errors import Refused
from tests.helpers.appointments import branch, make_beneficiary, next_open_day, service

PEOPLE = 50
SEATS = 5


def race(app, attempts):
    """Run the attempts at once, each in its own thread with its own connection.

    Returns ("booked", appointment id) or ("refused", rule) per attempt;
    anything else that is raised is an error and is returned as such.
    """
    barrier = threading.Barrier(len(attempts))
    results = [None] * len(attempts)

    def run(index, attempt):
        with app.app_context(), models.db.connection_context():
            try:
                barrier.wait(timeout=30)
                results[index] = ("booked", attempt().id)
            except Refused as refused:
                results[index] = ("refused", refused.code)
            except Exception as error:  # noqa: BLE001 - the test counts every unexpected failure
                results[index] = ("error", repr(error))

    threads = [threading.Thread(target=run, args=(i, attempt)) for i, attempt in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


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
        return lambda: booking.book(person, the_branch, the_service, day, "09:00")

    results = race(app, [attempt_for(person) for person in people])
    outcomes = [kind for kind, _detail in results]
    errors = [detail for kind, detail in results if kind == "error"]
    assert errors == []
    assert outcomes.count("booked") == SEATS
    assert outcomes.count("refused") == PEOPLE - SEATS
    assert {detail for kind, detail in results if kind == "refused"} == {"taken"}
    with app.app_context(), models.db.connection_context():
        assert models.Appointment.select().where(models.Appointment.slot == slot.id).count() == SEATS
        assert models.Slot.get_by_id(slot.id).taken == SEATS
        numbers = [a.number for a in models.Appointment.select()]
        assert len(set(numbers)) == SEATS
    print(
        f"\n{PEOPLE} concurrent bookings, {SEATS} seats: "
        f"{outcomes.count('booked')} booked, {outcomes.count('refused')} refused, {len(errors)} errors"
    )


def test_one_person_double_clicking_books_once(app, in_app):
    the_branch, the_service, day, slot = prepare(app, SEATS)
    person = in_app(lambda: models.User.get(models.User.national_id == "1000000008"))
    token = "double-click-token"
    attempt = lambda: booking.book(person, the_branch, the_service, day, "09:00", token=token)  # noqa: E731
    results = race(app, [attempt] * 10)
    assert [kind for kind, _ in results] == ["booked"] * 10
    assert len({appointment_id for _, appointment_id in results}) == 1
    with app.app_context(), models.db.connection_context():
        assert models.Appointment.select().count() == 1
        assert models.Slot.get_by_id(slot.id).taken == 1


def test_one_person_racing_with_different_submissions_gets_one_appointment(app, in_app):
    the_branch, the_service, day, slot = prepare(app, SEATS)
    person = in_app(lambda: models.User.get(models.User.national_id == "1000000008"))

    def attempt_at(start):
        return lambda: booking.book(person, the_branch, the_service, day, start)

    results = race(app, [attempt_at(start) for start in ["09:00", "09:15", "09:30", "09:45"] * 3])
    outcomes = [kind for kind, _ in results]
    assert outcomes.count("booked") == 1 and outcomes.count("error") == 0
    assert {detail for kind, detail in results if kind == "refused"} == {"already"}
    with app.app_context(), models.db.connection_context():
        assert models.Appointment.select().count() == 1
        assert sum(s.taken for s in models.Slot.select()) == 1
