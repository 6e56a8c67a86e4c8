"""The remaining beneficiary flows, in Chromium with JavaScript on and off:
withdraw a request, reschedule and cancel an appointment, cancel a delivery."""

import re

from playwright.sync_api import expect

import models
from tests.helpers.browser import browser_sign_in, next_step


def test_withdraw_a_request(populated, browser_page):
    page = browser_sign_in(browser_page, "citizen")
    page.goto(f"/messages/{populated['request']}")
    page.get_by_role("link", name="سحب الطلب").or_(page.get_by_role("button", name="سحب الطلب")).first.click()
    page.get_by_role("button", name="نعم، اسحبه").click()
    expect(page.locator("main")).to_contain_text("مسحوب")
    page.goto("/messages")
    expect(page.locator("main")).to_contain_text(populated["request"])
    expect(page.locator("main")).to_contain_text("مسحوب")


def test_reschedule_then_cancel_an_appointment(populated, browser_page):
    number = populated["appointment"]
    with models.db.connection_context():
        before = models.Appointment.get(models.Appointment.number == number)
        old_slot, old_day, old_start = before.slot_id, before.date, before.start
    page = browser_sign_in(browser_page, "citizen")
    page.goto(f"/appointments/{number}/change")
    page.locator('input[name="date"]').first.check()
    if not page.javascript:
        page.get_by_role("button", name="التالي").click()
    times = page.locator('input[name="time"]')
    expect(times.first).to_be_visible()
    # Pick a time other than the one held now, so the seat really moves.
    for index in range(times.count()):
        if (
            times.nth(index).get_attribute("value") != old_start
            or page.locator('input[name="date"]:checked').get_attribute("value") != old_day.isoformat()
        ):
            times.nth(index).check()
            break
    if not page.javascript:
        page.get_by_role("button", name="التالي").click()
    page.get_by_role("button", name="تأكيد التعديل").click()
    expect(page.locator("main")).to_contain_text(number)
    expect(page.locator("h1")).to_have_text("تم تعديل موعدك")
    with models.db.connection_context():
        after = models.Appointment.get(models.Appointment.number == number)
        assert (after.date, after.start) != (old_day, old_start)
        assert models.Slot.get_by_id(old_slot).taken == 0, "the old seat is free again"
    page.goto("/appointments")
    page.get_by_role("link", name=f"إلغاء {number}").click()
    # One tap only asks; nothing is cancelled until «نعم، ألغِه».
    expect(page.locator("h1")).to_have_text("هل تريد إلغاء هذا الموعد؟")
    with models.db.connection_context():
        assert models.Appointment.get(models.Appointment.number == number).status == "confirmed"
    page.get_by_role("button", name="نعم، ألغِه").click()
    expect(page.locator("main")).to_contain_text("ملغى")
    with models.db.connection_context():
        cancelled = models.Appointment.get(models.Appointment.number == number)
        assert models.Slot.get_by_id(cancelled.slot_id).taken == 0


def test_cancel_a_delivery_before_saudi_post_has_it(populated, browser_page):
    page = browser_sign_in(browser_page, "citizen")
    page.goto(f"/delivery/{populated['delivery']}")
    page.get_by_role("link", name="إلغاء التوصيل").click()
    expect(page.locator("h1")).to_have_text("هل تريد إلغاء هذا التوصيل؟")
    page.get_by_role("button", name="نعم، ألغِه").click()
    expect(page.locator("main")).to_contain_text("ملغى")
    page.goto("/delivery")
    expect(page.get_by_role("link", name="طلب توصيل — جواز السفر")).to_be_visible()


def test_back_after_an_htmx_step_shows_the_previous_step(browser_page):
    page = browser_sign_in(browser_page, "citizen")
    page.goto("/appointments/book")
    page.get_by_label("القطاع", exact=True).select_option("passports")
    next_step(page)
    if page.javascript:
        expect(page).to_have_url(re.compile(r"sector=passports"))
    page.get_by_label("الخدمة", exact=True).select_option("passport_issue")
    next_step(page)
    if page.javascript:
        expect(page).to_have_url(re.compile(r"service=passport_issue"))
    expect(page.get_by_label("المنطقة", exact=True)).to_be_visible()
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"service="))
    expect(page.locator("h1")).to_have_count(1)
    expect(page.get_by_label("القطاع", exact=True)).to_have_value("passports")
    expect(page.get_by_label("المنطقة", exact=True)).to_have_count(0)
