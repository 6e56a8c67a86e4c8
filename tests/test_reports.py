"""«التقارير»: the acts add up to the reports, the reports cost the same at any size, each sees what is theirs."""

import csv
import io
from datetime import datetime, timedelta

import time_machine

import models
from domain import requests as pipeline
from domain.appointments import booking
from domain.dates import RIYADH, today
from domain.reports.rebuild import rebuild_all
from tests.helpers.accounts import DEMO, sign_in
from tests.helpers.appointments import ISSUE, NORTH, branch, next_open_day, service, user
from tests.helpers.delivery import document_id, officer_moves, request_delivery
from tests.helpers.messaging import create_request, make_staff, request_row

S = models.RequestStatus


def figures(page, table):
    """{row heading: [cells]} of one of the report's tables."""
    rows = page.select(f"#table-{table} tbody tr")
    return {
        row.select_one("th").get_text(strip=True): [td.get_text(strip=True) for td in row.select("td")] for row in rows
    }


def summary(page):
    return {item.dt.get_text(strip=True): item.dd.get_text(strip=True) for item in page.select("dl.summary > div")}


def answer_and_close(in_app, reference):
    def act():
        agent = models.User.get(models.User.national_id == DEMO["agent"])
        row = request_row(reference)
        answered = pipeline.staff_reply(row, row.version, agent, "تم تحديث بياناتكم.")
        pipeline.change_status(answered, answered.version, agent, S.CLOSED)

    in_app(act)


def tallies(in_app):
    return in_app(
        lambda: sorted(
            models.DailyTally.select(
                models.DailyTally.kind,
                models.DailyTally.scope,
                models.DailyTally.day,
                models.DailyTally.measure,
                models.DailyTally.n,
            )
            .where(models.DailyTally.n != 0)
            .tuples()
        )
    )


def test_requests_sent_answered_and_closed_add_up_in_the_report_and_its_csv(citizen, admin, in_app):
    first = create_request(citizen, subject="تحديث بيانات")
    create_request(citizen, subject="استفسار عن جواز")
    answer_and_close(in_app, first)

    page = admin.page("/reports/requests")
    assert page.status == 200
    totals = summary(page)
    assert totals["المستلمة"] == "2"
    assert totals["المجاب عنها"] == "1"
    assert totals["المغلقة"] == "1"
    assert totals["المجاب عنها في الأيام الموعودة"] == "100%"
    assert totals["الوسيط حتى أول إجابة"] == "خلال ساعة واحدة"
    today_row = figures(page, "days")[page.select("#table-days tbody tr th")[-1].get_text(strip=True)]
    assert today_row == ["2", "1", "1"]
    chart = page.one("figure.chart svg[role=img]")
    assert chart.select_one("title").get_text(strip=True) == "الطلبات في كل يوم"
    assert len(chart.select("rect.chart__bar")) == 30 * 3

    link = page.one("#table-services a[download]")["href"]
    download = admin.get(link)
    assert download.mimetype == "text/csv"
    body = download.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:3] == ["القطاع", "الخدمة", "المستلمة"]
    service_name = in_app(lambda: request_row(first).service.name_ar)
    line = next(row for row in rows if row[1] == service_name)
    assert line[2:6] == ["2", "1", "1", "1.0000"]


def test_a_request_past_its_promised_date_is_overdue_until_closed(citizen, make_client, in_app):
    reference = create_request(citizen)
    due = in_app(lambda: request_row(reference).due_date)
    admin = make_client()
    with time_machine.travel(datetime.combine(due + timedelta(days=2), datetime.min.time(), RIYADH), tick=True):
        sign_in(admin, DEMO["admin"])
        assert summary(admin.page("/reports/requests"))["المتأخرة الآن"] == "1"
        answer_and_close(in_app, reference)
        assert summary(admin.page("/reports/requests"))["المتأخرة الآن"] == "0"


def test_appointments_booked_attended_missed_and_cancelled_add_up_per_branch(desk, admin, in_app):
    day = in_app(lambda: next_open_day())

    def act():
        made = [
            booking.book(user(role), branch(NORTH), service(ISSUE), day, start)
            for role, start in (("citizen", "09:00"), ("resident", "09:15"))
        ]
        on_the_day = datetime.combine(day, datetime.min.time(), RIYADH) + timedelta(hours=12)
        booking.mark_attendance(made[0], True, user("desk"), now=on_the_day)
        booking.mark_attendance(made[1], False, user("desk"), now=on_the_day)
        again = booking.book(user("citizen"), branch(NORTH), service("passport_renew"), day, "10:00")
        booking.cancel(again)

    in_app(act)
    window = {"first": today().isoformat(), "last": day.isoformat()}
    page = desk.page("/reports/appointments", query_string=window)
    assert page.status == 200
    north = in_app(lambda: branch(NORTH).name_ar)
    line = figures(page, "branches")[north]
    # Booked, attended, missed, cancelled, seats offered, seats used, share.
    assert line[:4] == ["3", "1", "1", "1"]
    assert int(line[4].replace(",", "").replace("٬", "")) > 0
    assert line[5] == "2"
    assert list(figures(page, "branches")) == [north, "الكل"]  # a desk sees its branch alone
    assert any(cells for cells in figures(page, "hours").values())
    everywhere = admin.page("/reports/appointments", query_string=window)
    assert len(figures(everywhere, "branches")) > 2


def test_a_delivery_made_at_the_first_attempt_counts_as_such(citizen, admin, app, in_app):
    delivery_id = request_delivery(citizen, document_id(app))
    D = models.DeliveryStatus
    officer_moves(app, delivery_id, D.PREPARING, D.HANDED_TO_POST, D.OUT_FOR_DELIVERY, D.DELIVERED)
    page = admin.page("/reports/deliveries")
    totals = summary(page)
    assert totals["المطلوبة"] == "1"
    assert totals["تم التسليم"] == "1"
    assert totals["سُلّمت من المحاولة الأولى"] == "100%"
    assert figures(page, "statuses")["تم التسليم"] == ["1"]


def test_failed_attempts_are_counted_by_their_reason(citizen, admin, app):
    D = models.DeliveryStatus
    delivery_id = request_delivery(citizen, document_id(app))
    officer_moves(app, delivery_id, D.PREPARING, D.HANDED_TO_POST, D.OUT_FOR_DELIVERY, D.FAILED, reason="nobody_home")
    officer_moves(app, delivery_id, D.OUT_FOR_DELIVERY, D.FAILED, reason="address_not_found")
    page = admin.page("/reports/deliveries")
    reasons = figures(page, "failure-reasons")
    assert sorted(cells[0] for cells in reasons.values()) == ["0", "0", "0", "1", "1"]
    assert summary(page)["المحاولات المتعذرة"] == "2"


def test_the_tallies_kept_by_the_acts_are_the_ones_counted_from_the_records(citizen, app, in_app):
    first = create_request(citizen)
    create_request(citizen, subject="طلب ثان")
    answer_and_close(in_app, first)
    day = in_app(lambda: next_open_day())
    in_app(lambda: booking.cancel(booking.book(user("citizen"), branch(NORTH), service(ISSUE), day, "09:30")))
    in_app(lambda: booking.book(user("resident"), branch(NORTH), service(ISSUE), day, "09:30"))
    D = models.DeliveryStatus
    officer_moves(
        app,
        request_delivery(citizen, document_id(app)),
        D.PREPARING,
        D.HANDED_TO_POST,
        D.OUT_FOR_DELIVERY,
        D.FAILED,
        note="لا أحد في العنوان",
    )
    kept = tallies(in_app)
    assert kept
    in_app(rebuild_all)
    assert tallies(in_app) == kept


def test_each_person_sees_only_the_reports_and_scopes_that_are_theirs(
    citizen, agent, desk, officer, app, make_client, in_app
):
    assert citizen.get("/reports/requests").status_code == 403
    assert desk.get("/reports/requests").status_code == 403
    assert agent.get("/reports/deliveries").status_code == 403
    assert officer.page("/reports/deliveries").status == 200
    other = make_staff(app, make_client, "civil_affairs")
    page = other.page("/reports/requests", query_string={"sector": "passports"})
    sectors = [th.get_text(strip=True) for th in page.select("#table-overdue tbody th")]
    own = in_app(lambda: models.Sector.get(models.Sector.code == "civil_affairs").name_ar)
    assert sectors == [own]  # the sector asked for is not theirs
    assert not page.select("select#sector")  # nothing to choose


def test_a_wrong_period_is_explained_and_the_last_30_days_shown(admin):
    page = admin.page("/reports/requests", query_string={"first": "2027-13-40", "last": "2027-01-01"})
    assert page.status == 200
    assert page.soup.title.get_text().startswith("خطأ")
    assert "أدخل تاريخًا" in page.one("#first-error").text
    assert page.one("#first")["value"] == "2027-13-40"
    page = admin.page("/reports/requests", query_string={"first": "2027-02-01", "last": "2027-01-01"})
    assert "بعد" in page.one("#last-error").text or "بعد" in page.one("#last-error").text
    assert admin.get("/reports/requests", query_string={"format": "csv", "table": "nothing"}).status_code == 404


def test_the_chart_reads_from_the_start_of_the_line_in_each_language(citizen, admin):
    create_request(citizen)
    bars = {}
    for lang in ("ar", "en"):
        admin.submit("/language", {"lang": lang, "next": "/reports/requests"})
        page = admin.page("/reports/requests")
        received = page.select("svg rect.chart__bar--0")
        bars[lang] = [float(bar["x"]) for bar in received]
        ticks = page.select("svg text.chart__tick")
        assert ticks[-1].get_text() == "4"  # the scale's top line
    # The first day is drawn at the right in Arabic and at the left in English.
    assert bars["ar"][0] > bars["ar"][-1]
    assert bars["en"][0] < bars["en"][-1]


def test_a_year_is_drawn_week_by_week_and_its_days_only_downloaded(citizen, admin):
    create_request(citizen)
    year_ago = (today() - timedelta(days=364)).isoformat()
    page = admin.page("/reports/requests", query_string={"first": year_ago})
    assert page.one("figure.chart svg title").get_text(strip=True) == "الطلبات في كل أسبوع"
    assert not page.select("#table-days tbody tr")
    assert len(page.select("#table-weeks tbody tr")) in (53, 54)
    download = admin.get(page.one("#table-days a[download]")["href"])
    assert len(download.get_data(as_text=True).splitlines()) == 1 + 365


def test_a_paid_delivery_cancelled_before_dispatch_counts_as_a_refund_due(citizen, admin, app, in_app):
    delivery_id = request_delivery(citizen, document_id(app))
    officer_moves(app, delivery_id, models.DeliveryStatus.PREPARING)
    page = citizen.page(f"/delivery/{delivery_id}/cancel")  # the page that asks first
    form = page.one('form[action$="/cancel"]')
    assert citizen.submit(form["action"], page.form_values(form)).status == 303
    assert summary(admin.page("/reports/deliveries"))["المبالغ المستحقة للاسترداد بعد الإلغاء"] == "1"
    kept = tallies(in_app)
    in_app(rebuild_all)
    assert tallies(in_app) == kept
