"""The branch desk: the day's appointments, attendance, printing, and other branches' privacy."""

from datetime import timedelta

import pytest

import models
from domain import appointments as booking
from domain.dates import today
from tests.helpers.accounts import sign_in
from tests.helpers.appointments import (
    NORTH,
    booked_today,
    branch,
    in_db,
    make_beneficiary,
    next_open_day,
    service,
    user,
    valid_id,
)
from tests.helpers.database import run_in
from tests.helpers.pages import PortalClient, assert_well_formed
from tests.helpers.pdf import pdf_contains, pdf_pages


def other_desk(app):
    """A desk account at the Malaz branch, signed in."""
    run_in(
        app,
        lambda: models.User.create(
            national_id=valid_id(555, "1"),
            name_ar="موظف الملز",
            name_en="Malaz desk",
            phone="0555555555",
            password_hash=models.User.get(models.User.national_id == "1000000024").password_hash,
            role="desk",
            branch=branch("passports_riyadh_malaz"),
        ),
    )
    app.test_client_class = PortalClient
    client = app.test_client()
    return sign_in(client, valid_id(555, "1"))


@pytest.mark.clock
def test_desk_lists_todays_appointments_of_its_branch(desk, app):
    with app.app_context():
        first = booked_today(in_db(user, "citizen"), "08:00")
        second = booked_today(in_db(user, "resident"), "07:45", service_code="iqama_renew")
        elsewhere = booked_today(in_db(make_beneficiary, 1), "08:00", branch_code="passports_riyadh_malaz")
    page = desk.page("/desk")
    assert page.status == 200
    assert_well_formed(page)
    rows = page.select("tbody tr")
    assert [row["id"] for row in rows] == [f"row-{second.number}", f"row-{first.number}"]
    assert "07:45" in rows[0].text and "تجديد هوية مقيم" in rows[0].text and "أحمد حسن المصري" in rows[0].text
    assert "مؤكد" in rows[1].text
    assert elsewhere.number not in page.text
    assert page.one('a[href="/desk/returned-documents"]').text == "الوثائق المعادة إلى الفرع"
    printing = page.one('form[action="/desk/print-jobs"]')
    assert printing["method"] == "post" and printing.select_one('input[name="date"]')["value"] == today().isoformat()
    assert printing.select_one("button").text == "طباعة مواعيد اليوم"
    assert (
        page.one(f'#row-{first.number} a[href="/appointments/{first.number}/slip.pdf"]')
        .get_text(" ", strip=True)
        .startswith("طباعة")
    )


@pytest.mark.clock
def test_desk_picks_another_day(desk, app):
    with app.app_context():
        day = in_db(next_open_day)
        later = in_db(lambda: booking.book(user("citizen"), branch(NORTH), service("passport_issue"), day, "09:00"))
    page = desk.page(f"/desk?date={day.isoformat()}")
    assert later.number in page.text
    assert page.one("#desk-date")["value"] == day.isoformat()
    # A coming appointment cannot be marked yet.
    assert not page.select(f"#row-{later.number} button[name=attended]")
    assert desk.submit(f"/desk/appointments/{later.number}/attendance", {"attended": "yes"}, htmx=True).status == 422


def test_attendance_inline_with_htmx_rerenders_the_row(visit_morning, desk, app, in_app):
    appointment = in_app(lambda: booked_today(in_db(user, "citizen"), "08:00"))
    page = desk.page("/desk")
    form = page.one(f"#row-{appointment.number} form")
    assert form["hx-target"] == f"#row-{appointment.number}" and form["hx-swap"] == "outerHTML"
    assert [b.get_text(" ", strip=True).split(" A")[0] for b in form.select("button")] == ["حضر", "لم يحضر"]
    row = desk.submit(form["action"], {"attended": "yes"}, htmx=True)
    assert row.status == 200
    assert row.soup.find("html") is None
    assert row.one("tr")["id"] == f"row-{appointment.number}"
    assert "حضر" in row.one(".status").text
    assert row.one("button[value=yes]")["aria-pressed"] == "true"
    announcer = row.one("#announcer")
    assert announcer["hx-swap-oob"] == "true" and announcer["aria-live"] == "polite"
    assert appointment.number in announcer.text and "حضر" in announcer.text
    visit_morning.shift(20 * 60)  # past the slot's end
    row = desk.submit(form["action"], {"attended": "no", "reason": "خرج قبل دوره"}, htmx=True)
    assert "لم يحضر" in row.one(".status").text
    assert in_db(lambda: models.Appointment.get_by_id(appointment.id).status) == "no_show"


@pytest.mark.clock
def test_attendance_as_a_plain_form(desk, app, in_app):
    # At midnight, so that «حضر» is open at each of the clock's instants.
    appointment = in_app(lambda: booked_today(in_db(user, "citizen"), "00:00"))
    page = desk.submit(f"/desk/appointments/{appointment.number}/attendance", {"attended": "yes", "next": "/desk"})
    assert page.status == 303 and page.response.headers["Location"] == "/desk"
    page = desk.page("/desk")
    assert "حضر" in page.one(f"#row-{appointment.number} .status").text
    assert "حضر" in page.one(".flashes").text


def test_search_by_number_opens_it_with_its_request(desk, app, in_app):
    with app.app_context(), models.db.connection_context():
        citizen = user("citizen")
        the_service = service("passport_issue")
        service_request = models.ServiceRequest.create(
            reference="M1448-000321",
            user=citizen,
            sector=the_service.sector,
            service=the_service,
            subject="جواز تالف",
            body="صفحات الجواز تالفة وأحتاج إلى زيارة الفرع",
            status="needs_visit",
            due_date=today(),
        )
    appointment = in_app(lambda: booked_today(in_db(user, "citizen"), "08:00", request=service_request))
    # A scanner types the QR code's text: the number and the verification address.
    found = desk.page(f"/desk?q={appointment.number.lower()}%20http://x/desk/appointments/{appointment.number}")
    assert found.status == 302 and found.response.headers["Location"] == f"/desk/appointments/{appointment.number}"
    page = desk.page(found.response.headers["Location"])
    assert_well_formed(page)
    assert "M1448-000321" in page.text
    assert "صفحات الجواز تالفة" in page.one(".conversation").text
    assert page.select(f"#row-{appointment.number} button[name=attended]")


def test_search_by_id(desk, app, in_app):
    appointment = in_app(lambda: booked_today(in_db(user, "resident"), "08:00"))
    page = desk.page("/desk?q=٢٠٠٠٠٠٠٠٠٦")
    assert appointment.number in page.one("tbody").text
    page = desk.page("/desk?q=A1448-999999")
    assert "لا يوجد موعد يطابق البحث" in page.text


@pytest.mark.clock
def test_print_one_slip(desk, app):
    with app.app_context():
        booked = booked_today(in_db(make_beneficiary, 1), "08:00")
    one = desk.get(f"/appointments/{booked.number}/slip.pdf")
    assert one.status_code == 200 and pdf_pages(one.data) == 1
    assert pdf_contains(one.data, booked.number)


def test_a_desk_of_another_branch_gets_404(app, in_app):
    appointment = in_app(lambda: booked_today(in_db(user, "citizen"), "08:00"))
    malaz = other_desk(app)
    page = malaz.page("/desk")
    assert page.status == 200 and "فرع الجوازات بحي الملز" in page.one("h1").text
    assert appointment.number not in page.text
    assert malaz.get(f"/desk/appointments/{appointment.number}").status_code == 404
    assert malaz.get(f"/appointments/{appointment.number}/slip.pdf").status_code == 404
    assert malaz.submit(f"/desk/appointments/{appointment.number}/attendance", {"attended": "yes"}).status == 404
    assert malaz.page(f"/desk?q={appointment.number}").status == 200
    assert in_db(lambda: models.Appointment.get_by_id(appointment.id).status) == "confirmed"


def test_beneficiaries_cannot_open_the_desk(citizen):
    assert citizen.get("/desk").status_code == 403
    assert citizen.post("/desk/print-jobs").status_code in (400, 403)


def test_desk_pages_are_well_formed_in_english(desk, app, in_app):
    appointment = in_app(lambda: booked_today(in_db(user, "citizen"), "08:00"))
    desk.submit("/language", {"lang": "en", "next": "/"})
    for url in [
        "/desk",
        f"/desk/appointments/{appointment.number}",
        f"/desk?date={(today() + timedelta(days=1)).isoformat()}",
    ]:
        page = desk.page(url)
        assert page.status == 200
        assert_well_formed(page)
        assert page.soup.find("html")["lang"] == "en"
