"""The reminder of the day before: tomorrow's visitors (Riyadh's tomorrow) are told once, with the slip."""

from datetime import timedelta

import pytest

import models
from domain.dates import format_dual, today
from tests.helpers.appointments import NORTH, booked_on, branch, in_db, make_beneficiary, user
from views.appointments.reminders import remind_tomorrows_visits


def told(person):
    return list(models.Notification.select().where(models.Notification.user == person))


def sms_to(person):
    return [
        m.body
        for m in models.OutboxMessage.select().where(
            (models.OutboxMessage.recipient == person.phone) & (models.OutboxMessage.channel == "sms")
        )
    ]


@pytest.mark.clock
def test_tomorrows_visitors_are_reminded_once_with_branch_day_time_and_slip(app, in_app):
    tomorrow = today() + timedelta(days=1)
    citizen = in_app(lambda: user("citizen"))
    visit = in_app(lambda: booked_on(tomorrow, citizen, "10:15"))
    later = in_app(lambda: booked_on(tomorrow + timedelta(days=1), in_db(make_beneficiary, 1), "10:15"))
    cancelled = in_app(lambda: booked_on(tomorrow, in_db(make_beneficiary, 2), "10:30", status="cancelled"))
    past = in_app(lambda: booked_on(today(), in_db(make_beneficiary, 3), "10:45"))

    assert in_app(remind_tomorrows_visits.call_local) == 1
    [notification] = in_app(lambda: told(citizen))
    assert visit.number in notification.text_ar and "10:15" in notification.text_ar
    with app.test_request_context():
        assert format_dual(tomorrow) in notification.text_ar
    names = in_app(lambda: (branch(NORTH).name_ar, branch(NORTH).name_en))
    assert names[0] in notification.text_ar
    assert names[1] in notification.text_en and "tomorrow" in notification.text_en
    assert notification.link == f"/appointments/{visit.number}"
    slip = f"{app.config['PUBLIC_BASE_URL']}/appointments/{visit.number}/slip.pdf"
    [sms] = in_app(lambda: sms_to(citizen))
    assert slip in sms and visit.number in sms
    assert in_app(lambda: models.Appointment.get_by_id(visit.id).reminded_at) is not None

    # The next run, and the one after, remind nobody again.
    assert in_app(remind_tomorrows_visits.call_local) == 0
    assert in_app(remind_tomorrows_visits.call_local) == 0
    assert len(in_app(lambda: told(citizen))) == 1
    for other in (later, cancelled, past):
        assert in_app(lambda other=other: told(other.user)) == []


@pytest.mark.clock
def test_a_visit_becomes_due_for_its_reminder_when_riyadh_reaches_the_day_before(app, in_app, clock):
    day_after_tomorrow = today() + timedelta(days=2)
    citizen = in_app(lambda: user("citizen"))
    in_app(lambda: booked_on(day_after_tomorrow, citizen, "09:00"))
    assert in_app(remind_tomorrows_visits.call_local) == 0
    clock.shift(timedelta(days=1))
    assert in_app(remind_tomorrows_visits.call_local) == 1
    assert len(in_app(lambda: told(citizen))) == 1


def test_the_reminder_can_be_opened_from_the_portal(citizen, in_app):
    tomorrow = today() + timedelta(days=1)
    visit = in_app(lambda: booked_on(tomorrow, user("citizen"), "11:00"))
    in_app(remind_tomorrows_visits.call_local)
    page = citizen.page("/notifications")
    assert visit.number in page.text
    assert page.select(f'a[href="/appointments/{visit.number}"]')
    assert citizen.get(f"/appointments/{visit.number}/slip.pdf").status_code == 200
