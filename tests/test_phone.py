"""Pages for a cheap phone: the system's UI font, lists that turn into cards."""

from pathlib import Path

import pytest

import models
from domain import appointments as booking
from domain.appointments.ics import escape, fold
from tests.helpers.accounts import DEMO
from tests.helpers.appointments import NORTH, book_in_db, branch, in_db, next_open_day, service, user
from tests.helpers.messaging import create_request
from tests.helpers.pages import assert_well_formed

STATIC = Path(__file__).resolve().parent.parent / "static" / "css"


def test_pages_use_the_system_ui_font_and_pdfs_keep_amiri():
    site = (STATIC / "site.css").read_text(encoding="utf-8")
    assert 'font-family: "Noto Sans Arabic", "Segoe UI", Tahoma, system-ui, sans-serif;' in site
    assert "@font-face" not in site and "url(" not in site.split("font-family")[1].split(";")[0]
    assert "Amiri" not in site
    assert 'font-family: "Amiri"' in (STATIC / "pdf.css").read_text(encoding="utf-8")


@pytest.mark.parametrize("url", ["/messages", "/appointments", "/delivery"])
def test_each_list_row_names_its_facts_for_the_card_view(populated, citizen, url):
    page = citizen.page(url)
    assert_well_formed(page)
    rows = page.select("table.table--cards tbody tr")
    assert rows
    for row in rows:
        assert len(row.select(".card-key")) == 1
        for cell in row.select("td[data-label]"):
            assert cell["data-label"].strip()


# --- «إضافة إلى التقويم» and the public check page ----------------------------


def unfolded(body):
    """The content lines of an iCalendar file, folds undone."""
    return body.replace("\r\n ", "").split("\r\n")


def test_the_calendar_file_is_the_appointment_in_riyadh_time_for_its_owner_only(citizen, resident, client, in_app):
    day = in_app(lambda: in_db(next_open_day))
    appointment = in_app(lambda: book_in_db(day=day, start="09:30"))
    response = citizen.get(f"/appointments/{appointment.number}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    assert f'filename="{appointment.number}.ics"' in response.headers["Content-Disposition"]
    body = response.get_data().decode("utf-8")
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in body.split("\r\n"))
    lines = unfolded(body)
    assert "TZID:Asia/Riyadh" in lines and "TZOFFSETTO:+0300" in lines
    assert f"DTSTART;TZID=Asia/Riyadh:{day:%Y%m%d}T093000" in lines
    assert f"DTEND;TZID=Asia/Riyadh:{day:%Y%m%d}T094500" in lines  # a 15-minute service
    location = next(line for line in lines if line.startswith("LOCATION:"))
    assert "جوازات شمال الرياض" in location and "طريق أبي بكر الصديق، حي التعاون" in location
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert f"رقم الموعد: {appointment.number}" in description
    assert any(line.startswith("URL:") and "/check/" in line for line in lines)
    # Someone else's appointment, or nobody signed in: not theirs to have.
    assert resident.get(f"/appointments/{appointment.number}/calendar.ics").status_code == 404
    assert client.get(f"/appointments/{appointment.number}/calendar.ics").status_code in (302, 303)
    citizen.submit(f"/appointments/{appointment.number}/cancel", {})
    assert citizen.get(f"/appointments/{appointment.number}/calendar.ics").status_code == 404


def test_text_values_are_escaped():
    assert escape("a, b; c\\d\ne") == "a\\, b\\; c\\\\d\\ne"


def test_folding_never_splits_an_arabic_letter():
    line = "SUMMARY:" + "موعد تجديد جواز السفر " * 10
    folded = fold(line)
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


def test_the_check_page_needs_no_sign_in_and_shows_no_person(citizen, client, in_app):
    day = in_app(lambda: in_db(next_open_day))
    appointment = in_app(lambda: book_in_db(day=day, start="10:00"))
    token = in_app(lambda: in_db(lambda: models.Appointment.get_by_id(appointment.id).check_token))
    person = in_app(lambda: in_db(lambda: user("citizen")))
    assert len(token) >= 22 and appointment.number not in token
    page = client.page(f"/check/{token}")
    assert page.status == 200
    assert_well_formed(page)
    assert page.one("h1").text == "موعد مؤكد"
    text = page.text
    assert "جوازات شمال الرياض" in text and "10:00" in text and str(day.year) in text
    for private in (person.name_ar, DEMO["citizen"], DEMO["citizen"][-4:], appointment.number):
        assert private not in text
    assert "no-store" in page.response.headers["Cache-Control"]
    citizen.submit(f"/appointments/{appointment.number}/cancel", {})
    assert client.page(f"/check/{token}").one("h1").text == "موعد ملغى"
    # Neither a made-up token, nor the number, nor the sequential id opens anything.
    for guess in ("x" * 22, appointment.number, str(appointment.id), "a" * 200):
        assert client.get(f"/check/{guess}").status_code == 404


def test_each_appointment_has_its_own_check_token(db):
    north, issue = branch(NORTH), service("passport_issue")
    day = next_open_day()
    first = booking.book(user("citizen"), north, issue, day, "08:00")
    second = booking.book(user("resident"), north, issue, day, "08:00")
    assert first.check_token and second.check_token and first.check_token != second.check_token
    assert booking.checked_appointment(first.check_token).id == first.id


# --- Rough edges ----------------------------------------------------------


def test_cancelling_an_appointment_asks_first(citizen, in_app):
    appointment = in_app(lambda: book_in_db())
    page = citizen.page(f"/appointments/{appointment.number}/cancel")
    assert page.status == 200
    assert_well_formed(page)
    assert page.one("h1").text == "هل تريد إلغاء هذا الموعد؟"
    assert page.one(f'a[href="/appointments/{appointment.number}"]').text == "لا، أبقِه"
    assert in_app(lambda: in_db(lambda: models.Appointment.get_by_id(appointment.id).status)) == "confirmed"
    form = page.one(f'form[action="/appointments/{appointment.number}/cancel"]')
    assert citizen.submit(form["action"], page.form_values(form)).status == 303
    assert in_app(lambda: in_db(lambda: models.Appointment.get_by_id(appointment.id).status)) == "cancelled"
    # Asked again once cancelled: back to the appointment.
    assert citizen.get(f"/appointments/{appointment.number}/cancel").status_code == 303


def test_the_heading_after_a_change_says_changed(citizen, in_app):
    appointment = in_app(lambda: book_in_db())
    assert citizen.page(f"/appointments/{appointment.number}").one("h1").text == "تم حجز موعدك"
    # Only a changed appointment may say so, whatever the address says.
    assert citizen.page(f"/appointments/{appointment.number}?changed=1").one("h1").text == "تم حجز موعدك"


def test_the_admin_count_reads_as_one_phrase(make_client, citizen):
    admin = make_client("admin")
    create_request(citizen)
    create_request(citizen)
    text = admin.page("/admin/").text
    assert "مجموع الرسائل والطلبات: 2" in text and "رسالتان أو طلبان" not in text


def test_the_desk_prints_the_day_it_shows(desk, in_app):
    day = in_app(lambda: in_db(next_open_day))
    in_app(lambda: book_in_db(day=day, start="11:00"))
    button = desk.page(f"/desk?date={day.isoformat()}").one('form[action="/desk/print-jobs"] button')
    assert button.text.startswith("طباعة مواعيد ") and button.text != "طباعة مواعيد اليوم"
    assert str(day.year) in button.text
