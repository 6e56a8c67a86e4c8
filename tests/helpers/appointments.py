"""Appointments made and read directly, for the tests of booking, the desk and the slots."""

from urllib.parse import urlencode

import models
from domain import appointments as booking
from domain.dates import now_riyadh, today
from domain.identity import is_valid_national_id
from tests.helpers.accounts import DEMO

NORTH = "passports_riyadh_north"
ISSUE = "passport_issue"
CHOICE = {"sector": "passports", "service": ISSUE, "region": "riyadh", "branch": NORTH}


def branch(code):
    return models.Branch.get(models.Branch.code == code)


def service(code):
    return models.Service.get(models.Service.code == code)


def user(role):
    return models.User.get(models.User.national_id == DEMO[role])


def next_open_day(code=NORTH, after=0):
    """An open day after today, so the time of day the tests run at does not matter."""
    return [day for day in booking.open_days(branch(code)) if day > today()][after]


def valid_id(serial, prefix="1"):
    body = f"{prefix}{serial:08d}"
    return next(body + str(digit) for digit in range(10) if is_valid_national_id(body + str(digit)))


def make_beneficiary(serial):
    national_id = valid_id(serial + 10000)
    return models.User.create(
        national_id=national_id,
        name_ar=f"مراجع {serial}",
        name_en=f"Visitor {serial}",
        phone="05" + national_id[-8:],
        password_hash="x",
    )


def book_url(**params):
    return "/appointments/book?" + urlencode(params)


def book_in_db(role="citizen", day=None, start="09:00", service_code=ISSUE, branch_code=NORTH, **kwargs):
    with models.db.connection_context():
        person = user(role) if isinstance(role, str) else role
        return booking.book(
            person, branch(branch_code), service(service_code), day or next_open_day(branch_code), start, **kwargs
        )


def in_db(function, *args):
    with models.db.connection_context():
        return function(*args)


def seats_taken(day, start, branch_code=NORTH, service_code=ISSUE):
    with models.db.connection_context():
        slot = models.Slot.get_or_none(
            (models.Slot.branch == branch(branch_code))
            & (models.Slot.service == service(service_code))
            & (models.Slot.date == day)
            & (models.Slot.start == start)
        )
        return slot.taken if slot else 0


def review_and_confirm(client, day, start, **choice):
    page = client.page(book_url(**(choice or CHOICE), date=day.isoformat(), time=start, review=1))
    assert page.status == 200, page.text
    values = page.form_values('main form[action="/appointments/book"]')
    return page, values


def booked_today(person, start, service_code="passport_issue", branch_code=NORTH, **extra):
    """An appointment today at the branch, made directly: the desk works on the day itself."""
    return booked_on(today(), person, start, service_code, branch_code, **extra)


def booked_on(day, person, start, service_code="passport_issue", branch_code=NORTH, **extra):
    """An appointment on any day at the branch, made directly, open day or not."""
    with models.db.connection_context():
        the_branch, the_service = branch(branch_code), service(service_code)
        slot = booking.ensure_slot(the_branch, the_service, day, start)
        booking.take_seat(slot.id)
        count = models.Appointment.select().count() + 1
        return models.Appointment.create(
            number=f"A1448-{count:06d}",
            user=person,
            branch=the_branch,
            service=the_service,
            slot=slot,
            date=day,
            start=start,
            **extra,
        )


def fill_branch(the_branch, the_service):
    """Take every seat of every slot of the window at a branch."""
    rows = [
        {
            "branch": the_branch,
            "service": the_service,
            "date": day,
            "start": start,
            "capacity": the_service.slot_capacity,
            "taken": the_service.slot_capacity,
        }
        for day in booking.open_days(the_branch, now_riyadh())
        for start in booking.slot_starts(the_branch, the_service)
    ]
    with models.db.atomic():
        for start in range(0, len(rows), 200):
            models.Slot.insert_many(rows[start : start + 200]).execute()
