"""Booking a branch visit, printing its slip, and the desk marking attendance, in real Chromium."""

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

import models
from tests.helpers.appointments import NORTH, booked_today, next_open_day, user
from tests.helpers.browser import browser_sign_in, next_step
from tests.helpers.pdf import pdf_contains


def test_beneficiary_books_through_every_step_and_prints_the_slip(browser_page, app, in_app):
    day = in_app(lambda: next_open_day())
    page = browser_sign_in(browser_page, "citizen")
    page.goto("/appointments")
    page.get_by_role("link", name="حجز موعد").click()
    expect(page.locator("h1")).to_have_text("حجز موعد")

    page.get_by_label("القطاع", exact=True).select_option("passports")
    next_step(page)
    page.get_by_label("الخدمة", exact=True).select_option("passport_issue")
    next_step(page)
    page.get_by_label("المنطقة", exact=True).select_option("riyadh")
    next_step(page)
    page.get_by_label("الفرع", exact=True).select_option(NORTH)
    next_step(page)
    expect(page.locator("#date-group legend")).to_have_text("التاريخ")
    page.locator(f"#date-{day.isoformat()}").check()
    next_step(page)
    expect(page.locator("#time-group legend")).to_have_text("الوقت")
    page.locator("#time-0930").check()
    if page.javascript:
        # Each choice was pushed to the history, so the URL holds every answer.
        answers = [
            "sector=passports",
            "service=passport_issue",
            "region=riyadh",
            f"branch={NORTH}",
            f"date={day.isoformat()}",
            "time=09%3A30",
        ]
        expect(page).to_have_url(re.compile("".join(f"(?=.*{re.escape(a)})" for a in answers)))
        # Back goes to the previous answer, rebuilt as a whole page.
        with page.expect_response(lambda r: "hx-history-restore-request" in r.request.headers):
            page.go_back()
        expect(page).not_to_have_url(re.compile("time="))
        next_step(page)
        expect(page.locator(f"#date-{day.isoformat()}")).to_be_checked()
        expect(page.locator("#time-0930")).not_to_be_checked()
        page.locator("#time-0930").check()
        next_step(page)
    page.get_by_role("button", name="مراجعة").click()

    expect(page.locator("h1")).to_have_text("مراجعة")
    expect(page.locator("main")).to_contain_text("جوازات شمال الرياض")
    page.get_by_role("button", name="تأكيد الحجز").click()

    expect(page.locator(".summary .status")).to_have_text("مؤكد")
    number = page.locator(".panel__number").inner_text().strip()
    slip_link = page.get_by_role("link", name="طباعة الموعد")
    response = page.request.get(slip_link.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    assert pdf_contains(pdf, number)
    assert pdf_contains(pdf, "جوازات شمال الرياض")

    page.goto("/appointments")
    expect(page.locator("main table")).to_contain_text(number)


def test_desk_marks_attendance(browser_page, app, in_app):
    # At midnight: «حضر» is open whatever the hour the test runs at.
    appointment = in_app(lambda: booked_today(user("citizen"), "00:00"))
    page = browser_sign_in(browser_page, "desk")
    expect(page.locator("h1")).to_contain_text("جوازات شمال الرياض")
    row = page.locator(f"#row-{appointment.number}")
    expect(row).to_contain_text("مؤكد")
    row.get_by_role("button", name=f"حضر {appointment.number}", exact=True).click()
    expect(page.locator(f"#row-{appointment.number} .status")).to_have_text("حضر")
    if page.javascript:
        # The row was swapped in place: focus stays on the same button, and the change is read out.
        expect(page.locator(f"#attended-{appointment.number}")).to_be_focused()
        expect(page.locator("#announcer")).to_contain_text(appointment.number)
    else:
        expect(page.locator(".flashes")).to_contain_text(appointment.number)
    with models.db.connection_context():
        assert models.Appointment.get_by_id(appointment.id).status == "attended"


def test_desk_prints_the_day_as_a_job_and_the_page_follows_it_until_ready(browser_page, app, in_app):
    appointment = in_app(lambda: booked_today(user("citizen"), "08:00"))
    page = browser_sign_in(browser_page, "desk")
    page.get_by_role("button", name="طباعة مواعيد اليوم").click()
    page.wait_for_url("**/desk/print-jobs/*")
    expect(page.locator("h1")).to_contain_text("طباعة مواعيد")
    download = page.get_by_role("link", name="تنزيل الإيصالات (PDF)")
    expect(download).to_be_visible()
    pdf = page.request.get(download.get_attribute("href"))
    assert pdf.ok and pdf_contains(pdf.body(), appointment.number)
    if page.javascript:
        wcag = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
        result = Axe().run(page, options={"runOnly": {"type": "tag", "values": wcag}})
        assert [v["id"] for v in result.response["violations"]] == []

    # A job the worker is still on: the page shows how far it is, then follows it to the end.
    token = page.url.rsplit("/", 1)[-1]
    job = models.PrintJob.select().where(models.PrintJob.token == token)
    in_app(
        lambda: models.PrintJob.update(state="running", done=0, total=1).where(models.PrintJob.token == token).execute()
    )
    page.reload()
    expect(page.locator("progress")).to_be_visible()
    if page.javascript:
        result = Axe().run(page, options={"runOnly": {"type": "tag", "values": wcag}})
        assert [v["id"] for v in result.response["violations"]] == []
    in_app(lambda: models.PrintJob.update(state="done", done=1).where(models.PrintJob.token == token).execute())
    if not page.javascript:
        page.get_by_role("link", name="تحديث").click()
    # With JavaScript htmx's polling brings the download in place; without it «تحديث» does.
    expect(download).to_be_visible()
    expect(page.locator("#print-job[hx-trigger]")).to_have_count(0)
    assert in_app(lambda: job.get().state) == "done"
