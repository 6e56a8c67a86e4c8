"""«الإدارة» closes days: the people affected listed, their appointments cancelled and each told, due dates moved."""

from datetime import timedelta

import pytest

import models
from domain import audit
from domain.dates import add_working_days, is_working_day, today
from tests.helpers.accounts import DEMO
from tests.helpers.appointments import CHOICE, NORTH, book_in_db, book_url, next_open_day, seats_taken
from tests.helpers.catalog import restore_catalog
from tests.helpers.messaging import create_request, request_row


@pytest.fixture(autouse=True)
def restored(app):
    yield
    restore_catalog()


def branch_id(in_app, code=NORTH):
    return in_app(lambda: str(models.Branch.get(models.Branch.code == code).id))


def closure(day, branch="", starts="", ends="", name_ar="أعمال صيانة", name_en="Maintenance work"):
    return {
        "day": day.isoformat(),
        "branch": branch,
        "starts": starts,
        "ends": ends,
        "name_ar": name_ar,
        "name_en": name_en,
    }


def preview_and_confirm(admin, values):
    preview = admin.submit("/admin/closures/new", values)
    assert preview.status == 200
    confirmed = admin.submit("/admin/closures/new", dict(preview.form_values("main form"), confirm="1"))
    return preview, confirmed


def test_closing_a_branch_day_cancels_its_appointments_and_tells_each_person_with_free_times(admin, citizen, in_app):
    day = in_app(next_open_day)
    first = in_app(lambda: book_in_db("citizen", day, "09:00"))
    second = in_app(lambda: book_in_db("resident", day, "11:00"))
    preview, confirmed = preview_and_confirm(admin, closure(day, branch_id(in_app)))
    rows = [row.get_text(" ", strip=True) for row in preview.select("#affected tbody tr")]
    assert len(rows) == 2 and first.number in rows[0] and "عبدالله" in rows[0] and second.number in rows[1]
    assert "موعدين" in preview.one('button[name="confirm"]').text
    assert confirmed.status == 303
    statuses = in_app(lambda: [models.Appointment.get_by_id(a.id).status for a in (first, second)])
    assert statuses == ["cancelled", "cancelled"]
    assert in_app(lambda: seats_taken(day, "09:00")) == 0
    sms = in_app(
        lambda: (
            models.OutboxMessage.select()
            .where((models.OutboxMessage.recipient == "0500000008") & (models.OutboxMessage.channel == "sms"))
            .order_by(models.OutboxMessage.id.desc())
            .first()
            .body
        )
    )
    assert first.number in sms and "أعمال صيانة" in sms and "أقرب الأوقات المتاحة" in sms
    assert "/appointments/book?" in sms and "branch=passports_riyadh_north" in sms
    notes = citizen.page("/notifications").text
    assert first.number in notes and "أعمال صيانة" in notes
    page = citizen.page(book_url(**CHOICE, date=day.isoformat()))
    assert page.status == 422 and page.select("#date-error")
    actions = [e.action for e in in_app(lambda: audit.of_record("appointment", first.number))]
    assert actions == ["appointment.cancel"]
    assert "أعمال صيانة" in admin.page("/admin/closures").text


def test_closing_some_hours_cancels_only_the_appointments_within_them(admin, resident, in_app):
    day = in_app(next_open_day)
    kept = in_app(lambda: book_in_db("citizen", day, "09:00"))
    cancelled = in_app(lambda: book_in_db("resident", day, "10:30"))
    preview, confirmed = preview_and_confirm(admin, closure(day, branch_id(in_app), "10:00", "12:00"))
    assert len(preview.select("#affected tbody tr")) == 1
    assert confirmed.status == 303
    assert in_app(lambda: models.Appointment.get_by_id(kept.id).status) == "confirmed"
    assert in_app(lambda: models.Appointment.get_by_id(cancelled.id).status) == "cancelled"
    page = resident.page(book_url(**CHOICE, date=day.isoformat()))
    times = [radio["value"] for radio in page.select("input[name=time]")]
    assert "09:45" in times and "12:00" in times
    assert not [start for start in times if "10:00" <= start < "12:00"]
    page = resident.page(book_url(**CHOICE, date=day.isoformat(), time="10:15", review=1))
    assert page.status == 422


def test_a_national_holiday_moves_new_due_dates_and_leaves_old_ones(admin, citizen, in_app):
    old = create_request(citizen, service="passport_issue", subject="قبل الإجازة")
    old_due = in_app(lambda: request_row(old).due_date)
    holiday = today() + timedelta(days=1)
    while not is_working_day(holiday):
        holiday += timedelta(days=1)
    preview, confirmed = preview_and_confirm(admin, closure(holiday, name_ar="إجازة طارئة", name_en="Sudden holiday"))
    assert confirmed.status == 303
    new = create_request(citizen, service="passport_issue", subject="بعد الإجازة")
    days_off = in_app(lambda: {row.date for row in models.Holiday.select()})
    assert holiday in days_off
    assert in_app(lambda: request_row(new).due_date) == add_working_days(today(), 7, days_off)
    assert in_app(lambda: request_row(new).due_date) > old_due
    assert in_app(lambda: request_row(old).due_date) == old_due


def test_a_list_that_changed_after_the_preview_is_shown_again_not_cancelled(admin, in_app):
    day = in_app(next_open_day)
    in_app(lambda: book_in_db("citizen", day, "09:00"))
    preview = admin.submit("/admin/closures/new", closure(day, branch_id(in_app)))
    in_app(lambda: book_in_db("resident", day, "09:15"))
    answer = admin.submit("/admin/closures/new", dict(preview.form_values("main form"), confirm="1"))
    assert answer.status == 409
    assert len(answer.select("#affected tbody tr")) == 2
    assert in_app(lambda: models.Holiday.select().where(models.Holiday.date == day).count()) == 0


def test_bad_closures_are_explained_at_the_field_in_the_page_language(admin, in_app):
    yesterday = today() - timedelta(days=1)
    page = admin.submit("/admin/closures/new", closure(yesterday, branch_id(in_app)))
    assert page.status == 422 and "مضى" in page.one("#day-error").text
    assert page.one("#name_ar")["value"] == "أعمال صيانة"
    page = admin.submit("/admin/closures/new", closure(in_app(next_open_day), "", "10:00", "11:00"))
    assert page.status == 422 and "فرعًا" in page.one("#starts-error").text
    page = admin.submit("/admin/closures/new", dict(closure(in_app(next_open_day)), day="2027-13-40"))
    assert page.status == 422 and page.one("#day-error")
    admin.submit("/language", {"lang": "en", "next": "/"})
    page = admin.submit("/admin/closures/new", closure(in_app(next_open_day), branch_id(in_app), "12:00", "10:00"))
    assert page.status == 422 and "after" in page.one("#ends-error").text


def test_closure_pages_are_for_admins_only(make_client):
    for role in ("citizen", "agent", "desk", "officer"):
        client = make_client(role)
        assert client.get("/admin/closures").status_code == 403
        assert client.get("/admin/closures/new").status_code == 403
    assert DEMO["admin"]
