"""The appointment rules as plain functions: hours, open days, seats, one per service."""

from datetime import datetime, timedelta

import pytest
from peewee import IntegrityError

import models
from domain import appointments as booking
from domain.dates import RIYADH, today
from domain.errors import Refused
from domain.tokens import new_token
from tests.helpers.appointments import branch, fill_branch, make_beneficiary, next_open_day, service

# Every rule here depends on the day and the hour in Riyadh.
pytestmark = pytest.mark.clock


def test_slots_fill_the_branch_hours_with_the_service_length(db):
    north = branch("passports_riyadh_north")
    fifteen = service("passport_issue")  # 15 minutes
    twenty = service("passport_loss_report")  # 20 minutes
    starts = booking.slot_starts(north, fifteen)
    assert starts[0] == "07:30" and starts[-1] == "14:15" and len(starts) == 28
    assert booking.slot_starts(north, twenty)[-1] == "14:10"
    evening = branch("passports_riyadh_south_evening")
    assert booking.slot_starts(evening, fifteen)[0] == "16:00"
    assert booking.slot_starts(evening, fifteen)[-1] == "20:45"


def test_open_days_skip_weekends_and_holidays(db):
    north = branch("passports_riyadh_north")
    malaz = branch("passports_riyadh_malaz")
    days = booking.open_days(north)
    assert len(days) == 30
    assert all(day.weekday() not in (4, 5) for day in days)
    national, own = days[3], days[5]
    models.Holiday.create(date=national, name_ar="عطلة", name_en="Holiday")
    models.Holiday.create(date=own, branch=north, name_ar="صيانة", name_en="Maintenance")
    days = booking.open_days(north)
    assert national not in days and own not in days and len(days) == 30
    assert own in booking.open_days(malaz) and national not in booking.open_days(malaz)


def first_open_day_after(branch_row, day):
    return next(d for d in (day + timedelta(n) for n in range(1, 15)) if booking.is_open_day(branch_row, d))


@pytest.mark.parametrize(
    "code, choose",
    [
        ("past", lambda north, days: (today() - timedelta(days=1), None)),
        (
            "closed",
            lambda north, days: (next(d for d in (days[0] + timedelta(n) for n in range(7)) if d.weekday() == 4), None),
        ),
        ("beyond", lambda north, days: (first_open_day_after(north, days[-1]), None)),
        ("bad_time", lambda north, days: (days[1], "07:31")),
        ("bad_time", lambda north, days: (days[1], "14:30")),
        ("bad_time", lambda north, days: (days[1], "06:00")),
    ],
)
def test_choices_the_rules_refuse(db, code, choose):
    north = branch("passports_riyadh_north")
    day, start = choose(north, booking.open_days(north))
    with pytest.raises(Refused) as refused:
        booking.check_choice(north, service("passport_issue"), day, start)
    assert refused.value.code == code
    assert str(refused.value.message)


def test_a_started_slot_cannot_be_booked(db):
    north = branch("passports_riyadh_north")
    day = next_open_day()
    ten = datetime.combine(day, datetime.min.time(), tzinfo=RIYADH).replace(hour=10)
    with pytest.raises(Refused) as refused:
        booking.check_choice(north, service("passport_issue"), day, "09:45", now=ten)
    assert refused.value.code == "past"
    times = [start for start, _ in booking.free_times(north, service("passport_issue"), day, now=ten)]
    assert times[0] == "10:15" and "10:00" not in times


def test_a_branch_that_does_not_give_the_service_is_refused(db):
    evening = branch("passports_riyadh_south_evening")
    offered = {row.service_id for row in evening.offered}
    missing = (
        models.Service.select()
        .where((models.Service.sector == evening.sector) & models.Service.id.not_in(list(offered)))
        .first()
    )
    with pytest.raises(Refused) as refused:
        booking.check_choice(evening, missing, next_open_day(), None)
    assert refused.value.code == "not_offered"


def test_seats_run_out_and_cancelling_frees_one(db):
    north, issue = branch("passports_riyadh_north"), service("passport_issue")
    day = next_open_day()
    people = [make_beneficiary(n) for n in range(issue.slot_capacity + 1)]
    booked = [booking.book(person, north, issue, day, "09:00") for person in people[:-1]]
    with pytest.raises(Refused) as refused:
        booking.book(people[-1], north, issue, day, "09:00")
    assert refused.value.code == "taken"
    assert "09:00" not in dict(booking.free_times(north, issue, day))
    booking.cancel(booked[0])
    assert dict(booking.free_times(north, issue, day))["09:00"] == 1
    assert booking.book(people[-1], north, issue, day, "09:00").status == "confirmed"


def test_rescheduling_moves_the_seat_and_keeps_the_number(db):
    north, issue = branch("passports_riyadh_north"), service("passport_issue")
    day = next_open_day()
    first = booking.book(make_beneficiary(1), north, issue, day, "09:00")
    moved = booking.reschedule(first, day, "11:00")
    assert moved.number == first.number and moved.start == "11:00" and moved.version == 2
    seats = dict(booking.free_times(north, issue, day))
    assert seats["09:00"] == issue.slot_capacity and seats["11:00"] == issue.slot_capacity - 1


def test_one_active_appointment_per_person_and_service(db):
    north, issue = branch("passports_riyadh_north"), service("passport_issue")
    person = make_beneficiary(1)
    day = next_open_day()
    first = booking.book(person, north, issue, day, "09:00")
    with pytest.raises(Refused) as refused:
        booking.book(person, north, issue, day, "10:00")
    assert refused.value.code == "already"
    assert dict(booking.free_times(north, issue, day))["10:00"] == issue.slot_capacity
    # Another service is fine; after cancelling, the same service is too.
    booking.book(person, north, service("passport_renew"), day, "10:00")
    booking.cancel(first)
    assert booking.book(person, north, issue, day, "10:00").status == "confirmed"


def test_the_database_itself_refuses_overbooking_and_a_second_active_appointment(db):
    north, issue = branch("passports_riyadh_north"), service("passport_issue")
    day = next_open_day()
    slot = booking.ensure_slot(north, issue, day, "09:00")
    with pytest.raises(IntegrityError), db.atomic():
        models.Slot.update(taken=slot.capacity + 1).where(models.Slot.id == slot.id).execute()
    first = booking.book(make_beneficiary(1), north, issue, day, "09:00")
    with pytest.raises(IntegrityError), db.atomic():
        models.Appointment.create(
            number="A0000-000001",
            user=first.user,
            branch=north,
            service=issue,
            slot=slot,
            date=day,
            start="09:00",
        )


def test_the_same_submission_twice_books_once(db):
    north, issue = branch("passports_riyadh_north"), service("passport_issue")
    person, day = make_beneficiary(1), next_open_day()
    token = new_token()
    first = booking.book(person, north, issue, day, "09:00", token=token)
    again = booking.book(person, north, issue, day, "09:00", token=token)
    assert again.id == first.id
    assert models.Appointment.select().count() == 1
    assert dict(booking.free_times(north, issue, day))["09:00"] == issue.slot_capacity - 1


def test_a_full_day_shows_no_free_time_and_other_branches_are_offered(db):
    north, issue = branch("passports_riyadh_north"), service("passport_issue")
    fill_branch(north, issue)
    availability = booking.day_availability(north, issue)
    assert all(free == 0 for _day, free in availability)
    others = booking.other_branches_with_free_days(north, issue)
    codes = {other.code for other, _day in others}
    assert "passports_riyadh_malaz" in codes and "passports_riyadh_north" not in codes
    assert "passports_jeddah_rawdah" not in codes  # another region
