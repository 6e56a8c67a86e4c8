"""The booking wizard as plain domain objects: codes in, rows and errors out."""

import pytest

import models
from domain import appointments as booking
from domain.dates import now_riyadh
from domain.errors import Refused
from tests.helpers.appointments import CHOICE, ISSUE, NORTH, branch, make_beneficiary, next_open_day, service, user

# The days offered and the times left depend on the day and the hour in Riyadh.
pytestmark = pytest.mark.clock


def answers(**values):
    return booking.BookingState(values, user("citizen"), now_riyadh())


def fill(day, start, seats=4):
    """Book every seat of a time (passport_issue has 4) for other people."""
    for serial in range(seats):
        booking.book(make_beneficiary(serial), branch(NORTH), service(ISSUE), day, start)


def test_each_answer_moves_one_step_and_the_answers_come_back_as_the_query(db):
    day = next_open_day()
    steps = [
        ({}, "sector"),
        ({"sector": "passports"}, "service"),
        ({"service": ISSUE}, "region"),
        ({"region": "riyadh"}, "branch"),
        ({"branch": NORTH}, "date"),
        ({"date": day.isoformat()}, "time"),
        ({"time": "09:00"}, "review"),
    ]
    given = {}
    for more, reached in steps:
        given.update(more)
        state = answers(**given)
        assert (state.reached, state.errors) == (reached, {})
        assert state.query() == given
    assert (state.branch.code, state.day, state.start) == (NORTH, day, "09:00")
    assert dict(state.times())["09:00"] == service(ISSUE).slot_capacity


def test_a_branch_of_another_region_is_refused_for_the_branch_field_and_reading_stops(db):
    day = next_open_day()
    state = answers(**{**CHOICE, "branch": "passports_jeddah_rawdah"}, date=day.isoformat(), time="09:00")
    assert state.errors == {"branch": str(booking.message("other_region"))}
    assert state.reached == "branch"
    assert state.branch is None and state.day is None and state.start is None
    assert state.region.code == "riyadh"
    assert NORTH in [b.code for _city, branches in state.branches_by_city() for b in branches]
    assert "branch" not in state.query()


def test_a_region_without_the_service_and_a_bad_day_are_refused_where_they_are_given(db):
    state = answers(sector="passports", service=ISSUE, region="tabuk", branch=NORTH)
    assert list(state.errors) == ["region"] and state.region is None and state.reached == "region"
    state = answers(**CHOICE, date="not-a-day")
    assert list(state.errors) == ["date"] and state.reached == "date"


def test_a_full_time_is_refused_with_the_nearest_free_times(db):
    day = next_open_day()
    fill(day, "10:00")
    state = answers(**CHOICE, date=day.isoformat(), time="10:00")
    assert state.errors == {"time": str(booking.message("taken"))}
    assert state.reached == "time" and state.start is None
    nearest = [start for start, _seats in state.nearest_times()]
    assert nearest[:2] == ["09:45", "10:15"] and "10:00" not in nearest


def test_a_time_taken_before_confirming_moves_back_to_the_time_step(db):
    day = next_open_day()
    state = answers(**CHOICE, date=day.isoformat(), time="10:00")
    assert state.reached == "review" and "10:00" in dict(state.times())
    fill(day, "10:00")
    with pytest.raises(Refused) as refused:
        booking.confirm_booking(state, link=lambda appointment: f"/appointments/{appointment.number}")
    assert refused.value.code == "taken"
    assert state.reached == "time" and state.start is None
    assert state.errors == {"time": str(booking.message("taken"))}
    assert "10:00" not in dict(state.times())
    assert [start for start, _seats in state.nearest_times()][:2] == ["09:45", "10:15"]
    assert not models.Appointment.select().where(models.Appointment.user == user("citizen")).exists()


def test_confirming_books_the_answers_and_tells_the_person_with_the_given_link(db):
    day = next_open_day()
    state = answers(**CHOICE, date=day.isoformat(), time="09:30")
    appointment = booking.confirm_booking(state, link=lambda booked: f"/appointments/{booked.number}")
    assert (appointment.branch.code, appointment.date, appointment.start) == (NORTH, day, "09:30")
    note = models.Notification.get(models.Notification.user == user("citizen"))
    assert appointment.number in note.text_ar and note.link == f"/appointments/{appointment.number}"


def test_a_request_that_is_not_the_persons_is_a_value_not_an_error_page(db):
    state = answers(request="M1448-000999", region="riyadh")
    assert state.unknown_request and state.reached == "sector" and state.errors == {}


def test_a_review_without_a_time_asks_for_one(db):
    state = answers(**CHOICE, date=next_open_day().isoformat())
    state.require_time()
    assert list(state.errors) == ["time"] and state.reached == "time"


def test_changing_reads_only_the_day_and_time_of_the_same_branch(db):
    day, later = next_open_day(), next_open_day(after=1)
    appointment = booking.book(user("citizen"), branch(NORTH), service(ISSUE), day, "08:30")
    state = booking.ChangeState(appointment, {"date": later.isoformat(), "time": "11:30"}, now_riyadh())
    assert (state.reached, state.errors, state.query()) == (
        "review",
        {},
        {"date": later.isoformat(), "time": "11:30"},
    )
    moved = booking.confirm_change(state)
    assert (moved.number, moved.date, moved.start) == (appointment.number, later, "11:30")
    state = booking.ChangeState(moved, {"date": later.isoformat(), "time": "15:00"}, now_riyadh())
    assert state.errors == {"time": str(booking.message("bad_time"))} and state.reached == "time"
