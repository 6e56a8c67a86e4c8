"""Booking an appointment step by step, changing it, and its slip, through the pages."""

import re
from datetime import timedelta

import pytest

import models
from domain import appointments as booking
from domain.dates import today
from tests.helpers.appointments import (
    CHOICE,
    ISSUE,
    NORTH,
    book_in_db,
    book_url,
    branch,
    in_db,
    make_beneficiary,
    next_open_day,
    review_and_confirm,
    seats_taken,
    service,
    user,
)
from tests.helpers.pages import assert_well_formed
from tests.helpers.pdf import pdf_contains, pdf_text

# --- Helpers other appointment tests share -------------------------------


# --- The steps -----------------------------------------------------------


def test_appointments_page_lists_mine_and_offers_booking(citizen, app, in_app):
    page = citizen.page("/appointments")
    assert page.status == 200
    assert page.one("h1").text == "المواعيد"
    assert page.one('main a[href="/appointments/book"]').text.strip() == "حجز موعد"
    appointment = in_app(lambda: book_in_db())
    page = citizen.page("/appointments")
    assert appointment.number in page.text and "مؤكد" in page.text
    assert (
        page.one(f'a[href="/appointments/{appointment.number}/slip.pdf"]')
        .get_text(" ", strip=True)
        .startswith("طباعة الموعد")
    )
    assert (
        page.one(f'a[href="/appointments/{appointment.number}/change"]').get_text(" ", strip=True).startswith("تعديل")
    )
    # «إلغاء» asks first: a link to the confirmation, not a one-tap form.
    assert page.one(f'a[href="/appointments/{appointment.number}/cancel"]')
    assert not page.select(f'form[action="/appointments/{appointment.number}/cancel"]')


@pytest.mark.parametrize(
    "params, label, next_field",
    [
        ({}, "القطاع", "sector"),
        ({"sector": "passports"}, "الخدمة", "service"),
        ({"sector": "passports", "service": ISSUE}, "المنطقة", "region"),
        ({"sector": "passports", "service": ISSUE, "region": "riyadh"}, "الفرع", "branch"),
    ],
)
def test_each_select_step_as_a_page_and_as_a_partial(citizen, params, label, next_field):
    page = citizen.page(book_url(**params))
    assert page.status == 200
    assert_well_formed(page)
    assert page.soup.select_one(f'label[for="{next_field}"]').text == label
    assert page.response.headers["Vary"].startswith("HX-Request") or "HX-Request" in page.response.headers["Vary"]
    # Earlier answers are kept in the page and the «التالي» button moves on without JavaScript.
    for name, value in params.items():
        assert page.one(f"select#{name} option[selected]")["value"] == value
    assert page.one("form#booking .nojs-only button").text == "التالي"
    if params:
        previous = list(params)[-1]
        partial = citizen.page(book_url(**params), htmx=True, headers={"HX-Target": f"after-{previous}"})
        assert partial.status == 200
        assert partial.soup.find("html") is None and partial.soup.find("h1") is None
        assert partial.one(f"select#{next_field}")["hx-target"] == f"#after-{next_field}"
        assert partial.one(f"select#{next_field}")["hx-push-url"] == "true"
        assert "HX-Request" in partial.response.headers["Vary"]


def test_regions_and_branches_narrow_to_those_giving_the_service(citizen):
    page = citizen.page(book_url(sector="traffic", service="driving_license_issue"))
    regions = [option["value"] for option in page.select("select#region option") if option["value"]]
    assert "riyadh" in regions and "eastern" in regions and "tabuk" not in regions
    page = citizen.page(book_url(sector="passports", service=ISSUE, region="riyadh"))
    groups = {
        group["label"]: [o["value"] for o in group.select("option")] for group in page.select("select#branch optgroup")
    }
    assert NORTH in groups["الرياض"] and "passports_kharj" in groups["الخرج"]
    assert not any("jeddah" in code for codes in groups.values() for code in codes)
    # The evening branch does not give this service.
    assert "passports_riyadh_south_evening" not in str(groups)


@pytest.mark.clock
def test_date_step_offers_thirty_open_days_with_free_slots(citizen, app, in_app):
    page = citizen.page(book_url(**CHOICE))
    assert page.status == 200
    assert_well_formed(page)
    legend = page.one("#date-group legend")
    assert legend.text == "التاريخ"
    radios = page.select("input[name=date]")
    assert len(radios) == 30
    days = in_app(lambda: [d.isoformat() for d in in_db(booking.open_days, in_db(branch, NORTH))])
    assert [radio["value"] for radio in radios] == days
    first_label = page.soup.select_one(f'label[for="date-{radios[-1]["value"]}"]').text
    assert "هـ" in first_label and "مقعدًا" in first_label
    partial = citizen.page(book_url(**CHOICE), htmx=True, headers={"HX-Target": "after-branch"})
    assert partial.soup.find("h1") is None and len(partial.select("input[name=date]")) == 30


@pytest.mark.clock
def test_time_step_shows_only_the_free_times_of_the_day(citizen, app):
    with app.app_context():
        day = in_db(next_open_day)
        for serial in range(4):  # passport_issue has 4 seats a slot
            book_in_db(in_db(make_beneficiary, serial), day=day, start="07:30")
    page = citizen.page(book_url(**CHOICE, date=day.isoformat()))
    assert page.status == 200
    assert_well_formed(page)
    assert page.one("#time-group legend").text == "الوقت"
    times = [radio["value"] for radio in page.select("input[name=time]")]
    assert times[0] == "07:45" and "07:30" not in times and times[-1] == "14:15"
    partial = citizen.page(book_url(**CHOICE, date=day.isoformat()), htmx=True, headers={"HX-Target": "after-date"})
    assert partial.soup.find("h1") is None
    assert [radio["value"] for radio in partial.select("input[name=time]")] == times
    # Choosing a time brings the «مراجعة» button.
    partial = citizen.page(
        book_url(**CHOICE, date=day.isoformat(), time="08:00"), htmx=True, headers={"HX-Target": "after-time"}
    )
    assert partial.one("button[name=review]").text == "مراجعة"


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_every_booking_page_is_well_formed_in_both_languages(citizen, app, lang):
    citizen.submit("/language", {"lang": lang, "next": "/"})
    with app.app_context():
        day = in_db(next_open_day)
        appointment = book_in_db(service_code="passport_renew")
    for url in [
        "/appointments",
        book_url(),
        book_url(**CHOICE, date=day.isoformat()),
        book_url(**CHOICE, date=day.isoformat(), time="09:00", review=1),
        f"/appointments/{appointment.number}",
        f"/appointments/{appointment.number}/change?date={day.isoformat()}",
        book_url(**CHOICE, date=(day + timedelta(days=400)).isoformat()),
    ]:
        page = citizen.page(url)
        assert page.status in (200, 422), url
        assert_well_formed(page)
        assert page.soup.find("html")["lang"] == lang


# --- Bad choices ---------------------------------------------------------


def test_a_branch_of_another_region_is_refused_with_the_regions_branches(citizen):
    page = citizen.page(book_url(**{**CHOICE, "branch": "passports_jeddah_rawdah"}))
    assert page.status == 422
    assert "هذا الفرع ليس في المنطقة المختارة" in page.one("#branch-error").text
    assert page.one("title").text.startswith("خطأ")
    assert page.one(".error-summary a")["href"] == "#branch-group"
    options = [o["value"] for o in page.select("select#branch option") if o["value"]]
    assert NORTH in options and "passports_jeddah_rawdah" not in options
    assert page.one("select#region option[selected]")["value"] == "riyadh"
    assert not page.select("input[name=date]")


@pytest.mark.clock
def test_a_closed_day_is_refused_and_open_days_offered(citizen, app, in_app):
    first = in_app(next_open_day)
    friday = next(d for d in (first + timedelta(n) for n in range(7)) if d.weekday() == 4)
    page = citizen.page(book_url(**CHOICE, date=friday.isoformat()))
    assert page.status == 422
    assert "الفرع مغلق في هذا اليوم" in page.one("#date-error").text
    assert len(page.select("input[name=date]")) == 30
    assert page.one("select#branch option[selected]")["value"] == NORTH


@pytest.mark.clock
def test_a_national_holiday_is_closed(citizen, app):
    with app.app_context():
        day = in_db(next_open_day, NORTH, 2)
        in_db(lambda: models.Holiday.create(date=day, name_ar="عطلة", name_en="Holiday"))
    page = citizen.page(book_url(**CHOICE, date=day.isoformat()))
    assert page.status == 422 and page.select("#date-error")
    assert day.isoformat() not in [r["value"] for r in page.select("input[name=date]")]


@pytest.mark.clock
@pytest.mark.parametrize("when, message", [(-1, "قد مضى"), (400, "خلال أيام العمل")])
def test_past_and_beyond_the_window_are_refused(citizen, app, when, message):
    day = today() + timedelta(days=when)
    while day.weekday() in (4, 5):
        day += timedelta(days=1)
    page = citizen.page(book_url(**CHOICE, date=day.isoformat()))
    assert page.status == 422
    assert message in page.one("#date-error").text


def test_a_time_outside_the_hours_is_refused(citizen, app, in_app):
    day = in_app(next_open_day)
    page = citizen.page(book_url(**CHOICE, date=day.isoformat(), time="15:00"))
    assert page.status == 422
    assert "لا يقدّم الفرع مواعيد في هذا الوقت" in page.one("#time-error").text
    assert page.select("input[name=time]")


def test_review_without_a_time_asks_for_one(citizen, app, in_app):
    day = in_app(next_open_day)
    page = citizen.page(book_url(**CHOICE, date=day.isoformat(), review=1))
    assert page.status == 422
    assert page.one("#time-error").text.split()[-2:] == ["اختر", "وقتًا."]
    assert page.one("h1").text == "حجز موعد"
    # Without JavaScript the last step's button is «مراجعة».
    assert page.one("form#booking .nojs-only button[name=review]").text == "مراجعة"


def test_a_full_time_is_refused_with_the_nearest_free_times(citizen, app):
    with app.app_context():
        day = in_db(next_open_day)
        for serial in range(4):
            book_in_db(in_db(make_beneficiary, serial), day=day, start="10:00")
    page = citizen.page(book_url(**CHOICE, date=day.isoformat(), time="10:00"))
    assert page.status == 422
    assert "حُجز هذا الوقت للتو" in page.one("#time-error").text
    nearest = page.one("#time-group .hint").text
    assert "09:45" in nearest and "10:15" in nearest


def test_a_branch_without_free_days_points_to_other_branches(citizen, app, in_app):
    from tests.helpers.appointments import fill_branch

    in_app(lambda: in_db(fill_branch, in_db(branch, NORTH), in_db(service, ISSUE)))
    page = citizen.page(book_url(**CHOICE))
    assert page.status == 200
    assert "لا توجد مواعيد متاحة في هذا الفرع" in page.text
    links = [a["href"] for a in page.select("#date-group a")]
    assert any("branch=passports_riyadh_malaz" in href and "date=" in href for href in links)
    assert not any("jeddah" in href for href in links)
    assert not page.select("input[name=date]")


# --- Confirming ----------------------------------------------------------


@pytest.mark.clock
def test_review_then_confirm_books_and_shows_the_number(citizen, app, in_app):
    day = in_app(next_open_day)
    page, values = review_and_confirm(citizen, day, "09:15")
    assert page.one("h1").text == "مراجعة"
    assert "جوازات شمال الرياض" in page.text and "09:15" in page.text and "هـ" in page.text
    assert page.one('main form[action="/appointments/book"] button').text == "تأكيد الحجز"
    done = citizen.submit("/appointments/book", values)
    assert done.status == 303
    number = done.response.headers["Location"].rsplit("/", 1)[-1]
    assert re.fullmatch(r"A\d{4}-\d{6}", number)
    page = citizen.page(done.response.headers["Location"])
    assert_well_formed(page)
    assert number in page.one(".panel__number").text
    assert "مؤكد" in page.one(".summary .status").text
    assert page.one(f'a[href="/appointments/{number}/slip.pdf"]').text == "طباعة الموعد"
    assert seats_taken(day, "09:15") == 1
    with app.app_context(), models.db.connection_context():
        note = models.Notification.get(models.Notification.user == user("citizen"))
        assert number in note.text_ar and "هـ" in note.text_ar and "09:15" in note.text_ar
        assert note.link == f"/appointments/{number}"
        assert "جوازات شمال الرياض" in note.text_ar and "North Riyadh Passports" in note.text_en
        sms = models.OutboxMessage.get(
            (models.OutboxMessage.channel == "sms") & models.OutboxMessage.body.contains(number)
        )
        assert sms.recipient == user("citizen").phone
        assert "جوازات شمال الرياض" in sms.body and "09:15" in sms.body


def test_a_double_click_books_once(citizen, app, in_app):
    day = in_app(next_open_day)
    _page, values = review_and_confirm(citizen, day, "09:15")
    first = citizen.submit("/appointments/book", values)
    second = citizen.submit("/appointments/book", values)
    assert first.status == second.status == 303
    assert first.response.headers["Location"] == second.response.headers["Location"]
    assert in_db(models.Appointment.select().count) == 1
    assert seats_taken(day, "09:15") == 1
    assert in_db(models.Notification.select().count) == 1


def test_a_time_taken_while_choosing_answers_409_and_keeps_the_form(citizen, app, in_app):
    day = in_app(next_open_day)
    _page, values = review_and_confirm(citizen, day, "10:00")
    with app.app_context():
        for serial in range(4):
            book_in_db(in_db(make_beneficiary, serial), day=day, start="10:00")
    page = citizen.submit("/appointments/book", values)
    assert page.status == 409
    assert "حُجز هذا الوقت للتو" in page.one("#time-error").text
    assert "09:45" in page.one("#time-group .hint").text
    assert page.one("select#branch option[selected]")["value"] == NORTH
    assert page.one(f'input[name=date][value="{day.isoformat()}"]').has_attr("checked")
    assert "10:00" not in [radio["value"] for radio in page.select("input[name=time]")]
    assert_well_formed(page)
    assert in_db(models.Appointment.select().where(models.Appointment.user == user("citizen")).count) == 0


def test_a_second_appointment_for_the_same_service_is_refused(citizen, app):
    with app.app_context():
        day = in_db(next_open_day)
        first = book_in_db(day=day, start="08:00")
    page = citizen.page(book_url(sector="passports", service=ISSUE))
    assert "لديك موعد قائم لهذه الخدمة" in page.text
    assert page.one(f'a[href="/appointments/{first.number}"]')
    assert not page.select("select#region")
    page = citizen.submit("/appointments/book", {**CHOICE, "date": day.isoformat(), "time": "09:00", "token": "t-1"})
    assert page.status == 409
    assert in_db(models.Appointment.select().count) == 1


# --- Cancelling and changing --------------------------------------------


def test_cancelling_frees_the_seat_at_once(citizen, app):
    with app.app_context():
        day = in_db(next_open_day)
        appointment = book_in_db(day=day, start="08:30")
    assert seats_taken(day, "08:30") == 1
    page = citizen.submit(f"/appointments/{appointment.number}/cancel", {})
    assert page.status == 303
    assert seats_taken(day, "08:30") == 0
    page = citizen.page("/appointments")
    assert "أُلغي الموعد" in page.text and "ملغى" in page.text
    assert not page.select(f'form[action="/appointments/{appointment.number}/cancel"]')
    assert citizen.get(f"/appointments/{appointment.number}/slip.pdf").status_code == 404


@pytest.mark.clock
def test_changing_moves_the_seat_without_javascript(citizen, app):
    with app.app_context():
        day = in_db(next_open_day)
        later = in_db(next_open_day, NORTH, 1)
        appointment = book_in_db(day=day, start="08:30")
    url = f"/appointments/{appointment.number}/change"
    page = citizen.page(url)
    assert_well_formed(page)
    assert page.one("#date-group legend").text == "التاريخ"
    page = citizen.submit(url, {"date": later.isoformat()})
    assert page.status == 200 and page.select("input[name=time]")
    page = citizen.submit(url, {"date": later.isoformat(), "time": "11:30"})
    assert page.status == 200 and page.one("button[name=confirm]").text == "تأكيد التعديل"
    assert seats_taken(day, "08:30") == 1, "nothing moves before «تأكيد التعديل»"
    page = citizen.submit(url, {"date": later.isoformat(), "time": "11:30", "confirm": "1"})
    assert page.status == 303
    assert seats_taken(day, "08:30") == 0 and seats_taken(later, "11:30") == 1
    page = citizen.page(f"/appointments/{appointment.number}")
    assert "11:30" in page.text and appointment.number in page.text


def test_changing_with_htmx_swaps_the_times(citizen, app):
    with app.app_context():
        day = in_db(next_open_day)
        appointment = book_in_db(day=day, start="08:30")
    url = f"/appointments/{appointment.number}/change?date={day.isoformat()}"
    partial = citizen.page(url, htmx=True, headers={"HX-Target": "after-date"})
    assert partial.soup.find("h1") is None
    assert partial.select("input[name=time]") and "HX-Request" in partial.response.headers["Vary"]


def test_someone_elses_appointment_is_not_found(citizen, resident, app, in_app):
    appointment = in_app(lambda: book_in_db())
    for url in ["", "/slip.pdf", "/change"]:
        assert resident.get(f"/appointments/{appointment.number}{url}").status_code == 404
    assert resident.submit(f"/appointments/{appointment.number}/cancel", {}).status == 404


# --- A visit a request needs ---------------------------------------------


def make_request(role="citizen", status="needs_visit"):
    with models.db.connection_context():
        person = user(role)
        issue = service(ISSUE)
        return models.ServiceRequest.create(
            reference="M1448-000777",
            user=person,
            sector=issue.sector,
            service=issue,
            subject="تجديد الجواز",
            body="أحتاج إلى حضور الفرع",
            status=status,
            due_date=today(),
        )


def test_booking_from_a_request_carries_it(citizen, app):
    with app.app_context():
        day = in_db(next_open_day)
        service_request = make_request()
    page = citizen.page(book_url(request=service_request.reference))
    assert page.status == 200
    assert_well_formed(page)
    assert "M1448-000777" in page.one(".notice").text
    assert "المديرية العامة للجوازات" in page.text and "إصدار جواز سفر سعودي" in page.text
    assert not page.select("select#sector") and page.select("select#region")
    assert page.one("select#region")["hx-include"].startswith("#booking [name=request]")
    params = {"request": service_request.reference, "region": "riyadh", "branch": NORTH}
    review = citizen.page(book_url(**params, date=day.isoformat(), time="09:30", review=1))
    assert "M1448-000777" in review.text
    done = citizen.submit("/appointments/book", review.form_values('main form[action="/appointments/book"]'))
    assert done.status == 303
    with app.app_context(), models.db.connection_context():
        appointment = models.Appointment.get()
        assert appointment.request.reference == "M1448-000777"


def test_another_persons_request_is_not_found(resident, app, in_app):
    in_app(lambda: make_request())
    assert resident.page(book_url(request="M1448-000777")).status == 404


# --- The slip ------------------------------------------------------------


def test_the_slip_reads_right_and_is_the_same_bytes_when_printed_again(citizen, app, in_app):
    with app.app_context():
        service_request = make_request()
        day = in_db(next_open_day)
        appointment = book_in_db(day=day, start="09:45", service_request=service_request)
        with app.test_request_context():
            from domain.dates import format_hijri

            hijri = format_hijri(day)
    response = citizen.get(f"/appointments/{appointment.number}/slip.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for phrase in [
        appointment.number,
        "جوازات شمال الرياض",
        hijri,
        "09:45",
        "******0008",
        "عبدالله محمد العتيبي",
        "M1448-000777",
        "المديرية العامة للجوازات",
        "خمس عشرة دقيقة",
        "الهوية الوطنية الأصلية",
    ]:
        assert pdf_contains(text, phrase), phrase
    again = citizen.get(f"/appointments/{appointment.number}/slip.pdf")
    assert again.data == response.data
    unchanged = citizen.get(
        f"/appointments/{appointment.number}/slip.pdf", headers={"If-None-Match": response.headers["ETag"]}
    )
    assert unchanged.status_code == 304
    # A changed appointment gets a new slip.
    in_app(lambda: in_db(lambda: booking.reschedule(models.Appointment.get_by_id(appointment.id), day, "10:30")))
    moved = citizen.get(f"/appointments/{appointment.number}/slip.pdf")
    assert moved.data != response.data and pdf_contains(moved.data, "10:30")


def test_the_slip_is_not_rendered_again_when_unchanged(citizen, app, monkeypatch, in_app):
    appointment = in_app(lambda: book_in_db())
    assert citizen.get(f"/appointments/{appointment.number}/slip.pdf").status_code == 200
    import views.appointments.slips

    def refuse_to_render(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(views.appointments.slips, "render_pdf", refuse_to_render)
    assert citizen.get(f"/appointments/{appointment.number}/slip.pdf").status_code == 200


def test_the_slip_qr_code_carries_the_number_and_the_public_check_address(citizen, app, monkeypatch, in_app):
    import views.appointments
    from views.printing import qr_data_uri

    carried = []

    def remember(text):
        carried.append(text)
        return qr_data_uri(text)

    monkeypatch.setattr(views.appointments, "qr_data_uri", remember)
    appointment = in_app(lambda: book_in_db())
    assert citizen.get(f"/appointments/{appointment.number}/slip.pdf").status_code == 200
    number, address = carried[0].split("\n")
    assert number == appointment.number
    token = in_app(lambda: in_db(lambda: models.Appointment.get_by_id(appointment.id).check_token))
    assert address == f"{app.config['PUBLIC_BASE_URL']}/check/{token}"
    # Neither the number nor the sequential id: a random token of 128 bits.
    assert appointment.number not in address and token != str(appointment.id) and len(token) >= 20
