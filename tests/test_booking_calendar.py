"""The booking's date step as a month calendar: free, full, closed, past and ended days."""

from datetime import datetime, timedelta

import pytest

import models
from domain import appointments as booking
from domain.dates import RIYADH
from tests.helpers.appointments import CHOICE, NORTH, book_url, branch, in_db, service
from tests.helpers.pages import assert_well_formed

# Wednesday 17 February 2027 in Riyadh: a morning, and an afternoon after the branch has closed (14:30).
MORNING = datetime(2027, 2, 17, 9, 0, tzinfo=RIYADH)
AFTER_CLOSING = datetime(2027, 2, 17, 15, 0, tzinfo=RIYADH)


def cells(months):
    return [cell for _first, weeks in months for week in weeks for cell in week if cell]


def test_the_window_is_months_of_sunday_first_weeks(db):
    north, issue = branch(NORTH), service(CHOICE["service"])
    months = booking.calendar_months(north, issue, MORNING)
    days = cells(months)
    for first, weeks in months:
        assert first.day == 1 and all(len(week) == 7 for week in weeks)
        for week in weeks:
            for column, cell in enumerate(week):
                if cell:
                    assert cell.day.month == first.month
                    assert (cell.day.weekday() - 6) % 7 == column  # Sunday, Monday, … Saturday
    # Every open day of the window is offered once, in order; weekends are closed.
    assert [c.day for c in days if c.offered] == booking.open_days(north, MORNING)
    assert {c.kind for c in days if c.day.weekday() in (4, 5) and c.day >= MORNING.date()} <= {"closed", "later"}
    # The days of this week before today are past, not offered.
    assert [c.kind for c in days if c.day < MORNING.date()] == ["past"] * 3  # Sunday to Tuesday
    today = next(c for c in days if c.day == MORNING.date())
    assert today.kind == "free" and today.seats > 0


def test_seats_left_and_full_days(db):
    north, issue = branch(NORTH), service(CHOICE["service"])
    open_days = booking.open_days(north, MORNING)
    full_day, some_taken = open_days[3], open_days[4]
    for start in booking.slot_starts(north, issue):
        booking.ensure_slot(north, issue, full_day, start)
    models.Slot.update(taken=models.Slot.capacity).where(models.Slot.date == full_day).execute()
    slot = booking.ensure_slot(north, issue, some_taken, "09:00")
    models.Slot.update(taken=2).where(models.Slot.id == slot.id).execute()
    by_day = {c.day: c for c in cells(booking.calendar_months(north, issue, MORNING))}
    per_day = len(booking.slot_starts(north, issue)) * issue.slot_capacity
    assert by_day[full_day].kind == "full" and by_day[full_day].seats == 0
    assert by_day[some_taken].kind == "free" and by_day[some_taken].seats == per_day - 2
    assert by_day[open_days[5]].seats == per_day


def test_today_after_closing_has_ended_and_is_never_full(db):
    north, issue = branch(NORTH), service(CHOICE["service"])
    by_day = {c.day: c for c in cells(booking.calendar_months(north, issue, AFTER_CLOSING))}
    assert by_day[AFTER_CLOSING.date()].kind == "ended"
    assert by_day[AFTER_CLOSING.date() + timedelta(days=1)].kind == "free"  # Thursday
    # A day filled up is full, also today before closing.
    for start in booking.slot_starts(north, issue):
        booking.ensure_slot(north, issue, MORNING.date(), start)
    models.Slot.update(taken=models.Slot.capacity).where(models.Slot.date == MORNING.date()).execute()
    by_day = {c.day: c for c in cells(booking.calendar_months(north, issue, MORNING))}
    assert by_day[MORNING.date()].kind == "full"
    by_day = {c.day: c for c in cells(booking.calendar_months(north, issue, AFTER_CLOSING))}
    assert by_day[AFTER_CLOSING.date()].kind == "ended"


@pytest.mark.parametrize("clock", [AFTER_CLOSING.isoformat()], indirect=True)
def test_the_date_step_is_a_calendar_of_radio_buttons(clock, citizen, app):
    page = citizen.page(book_url(**CHOICE))
    assert page.status == 200
    assert_well_formed(page)
    group = page.one("#date-group fieldset")
    assert group.select_one("legend").text == "التاريخ"
    assert "date-hint" in group["aria-describedby"]
    tables = group.select("table.calendar")
    assert [t.caption.text.split()[0] for t in tables][:2] == ["فبراير", "مارس"]
    assert "1448" in tables[0].caption.text  # the Hijri months beside the Gregorian one
    headers = [th.select_one(".visually-hidden").text for th in tables[0].select("thead th")]
    assert headers == ["الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"]
    # Today, after closing: offered but over, «انتهى», never «مكتمل».
    today = page.one('input[name=date][value="2027-02-17"]')
    assert today.has_attr("disabled")
    label = page.one('label[for="date-2027-02-17"]').text
    assert "انتهى" in label and "مكتمل" not in label and "الأربعاء" in label
    assert "calendar__day--ended" in today.parent["class"]
    # Thursday is free: green, the seats left, the whole day in its label.
    thursday = page.one('input[name=date][value="2027-02-18"]')
    assert not thursday.has_attr("disabled") and "calendar__day--free" in thursday.parent["class"]
    label = page.one('label[for="date-2027-02-18"]').text
    assert "الخميس" in label and "1448 هـ" in label and "18 فبراير 2027" in label and "مقعدًا" in label
    # Friday and Saturday are closed, the days before today past: no radio button for them.
    friday = next(td for td in group.select("td.calendar__day--closed") if "الجمعة" in td.text)
    assert "مغلق" in friday.text and not friday.select("input")
    assert group.select("td.calendar__day--past") and not group.select("td.calendar__day--past input")
    # Every radio button has its label.
    for radio in group.select("input[type=radio]"):
        assert page.one(f'label[for="{radio["id"]}"]')


def test_a_full_day_is_red_and_cannot_be_chosen(citizen, app, in_app):
    def fill():
        north, issue = branch(NORTH), service(CHOICE["service"])
        day = booking.open_days(north)[2]
        for start in booking.slot_starts(north, issue):
            booking.ensure_slot(north, issue, day, start)
        models.Slot.update(taken=models.Slot.capacity).where(models.Slot.date == day).execute()
        return day

    day = in_app(lambda: in_db(fill))
    page = citizen.page(book_url(**CHOICE))
    radio = page.one(f'input[name=date][value="{day.isoformat()}"]')
    assert radio.has_attr("disabled") and "calendar__day--full" in radio.parent["class"]
    assert "مكتمل" in page.one(f'label[for="date-{day.isoformat()}"]').text
    # Chosen anyway (a form sent by hand): the step says so, and the calendar is shown again.
    page = citizen.page(book_url(**CHOICE, date=day.isoformat()))
    assert page.select("table.calendar input[name=date]")
