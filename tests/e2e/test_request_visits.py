"""The whole case in real Chromium, with JavaScript on and off: a request, the sector asks for a
visit at a branch, the beneficiary books from the link, the request page shows the visit, the desk
records «حضر» at the visit's time, and the agent sees it and closes the request.

The server runs in the tests' process, so the fixed morning of ``visit_morning`` is its clock too.
"""

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

import models
from tests.helpers.appointments import NORTH
from tests.helpers.browser import browser_sign_in, next_step

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def assert_accessible(page):
    if page.javascript:
        result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert [v["id"] for v in result.response["violations"]] == []


def test_request_visit_booking_attendance_and_closing(visit_morning, browser_page, new_browser_page, in_app):
    citizen = browser_sign_in(browser_page, "citizen")
    citizen.goto("/messages/new?sector=passports")
    citizen.get_by_label("الخدمة").select_option(label="تجديد جواز سفر سعودي")
    citizen.get_by_label("الموضوع").fill("جواز تالف")
    citizen.get_by_label("الرسالة").fill("صفحات جوازي تالفة.")
    citizen.get_by_role("button", name="إرسال", exact=True).click()
    expect(citizen.locator("h1")).to_have_text("تم إرسال طلبك")
    reference = citizen.locator(".panel__number").inner_text().strip()

    agent = browser_sign_in(new_browser_page(), "agent")
    agent.goto(f"/sector/requests/{reference}")
    agent.get_by_role("button", name="استلام").click()
    expect(agent.locator("#status-heading")).to_contain_text("قيد المعالجة")
    agent.get_by_label("الحالة الجديدة").select_option("needs_visit")
    agent.locator("#visit_branch").select_option(NORTH)
    agent.get_by_role("button", name="تغيير الحالة").click()
    expect(agent.locator("#status-heading")).to_contain_text("يتطلب زيارة الفرع")
    expect(agent.locator(".timeline")).to_contain_text("الفرع المقترح: جوازات شمال الرياض")

    # The notification's link opens the booking at the branch's first free days, the request attached.
    citizen.goto("/notifications")
    citizen.locator(f'a[href*="request={reference}"]').first.click()
    expect(citizen).to_have_url(re.compile(rf"branch={NORTH}"))
    first_day = citizen.locator('#date-group input[name="date"]:not([disabled])').first
    first_day.check()
    next_step(citizen)
    citizen.locator('#time-group input[name="time"]:not([disabled])').first.check()
    citizen.get_by_role("button", name="مراجعة").click()
    expect(citizen.locator("h1")).to_have_text("مراجعة")
    citizen.get_by_role("button", name="تأكيد الحجز").click()
    number = citizen.locator(".panel__number").inner_text().strip()

    citizen.goto(f"/messages/{reference}")
    visit = citizen.locator("#visit")
    expect(visit).to_contain_text(number)
    expect(visit).to_contain_text("جوازات شمال الرياض")
    expect(citizen.get_by_role("link", name="حجز موعد")).to_have_count(0)
    expect(citizen.locator(".timeline")).to_contain_text(f"حجز الزيارة {number}")
    expect(citizen.locator(".timeline")).not_to_contain_text("نورة سعد القحطاني")
    assert_accessible(citizen)

    # At the visit's time the desk records «حضر», with a note for the sector.
    with models.db.connection_context():
        booked = models.Appointment.get(models.Appointment.number == number)
        start = booked.start
    hours, minutes = map(int, start.split(":"))
    visit_morning.shift((hours * 60 + minutes - 8 * 60) * 60)
    desk = browser_sign_in(new_browser_page(), "desk")
    desk.goto(f"/desk/appointments/{number}")
    expect(desk.locator(f"#row-{number}")).to_contain_text("مؤكد")
    desk.get_by_label("ملاحظة للقطاع (اختيارية)").fill("سُلّم الجواز التالف")
    desk.get_by_role("button", name=f"حضر {number}", exact=True).click()
    expect(desk.locator(f"#row-{number} .status")).to_have_text("حضر")
    assert_accessible(desk)

    agent = browser_sign_in(new_browser_page(), "agent")
    agent.goto("/notifications")
    expect(agent.locator("main")).to_contain_text(f"الزيارة {number} للطلب {reference}: حضر")
    agent.goto(f"/sector/requests/{reference}")
    expect(agent.locator("#visit .status")).to_have_text("حضر")
    expect(agent.locator(".timeline")).to_contain_text(f"سجّل حضور الزيارة {number}")
    expect(agent.locator(".timeline__entry--internal")).to_contain_text("سُلّم الجواز التالف")
    agent.locator("#visit").get_by_role("button", name="إغلاق الطلب").click()
    expect(agent.locator("#status-heading")).to_contain_text("مغلق")
    assert_accessible(agent)

    citizen.goto(f"/messages/{reference}")
    expect(citizen.locator(".summary .status").first).to_have_text("مغلق")
    expect(citizen.locator(".timeline")).to_contain_text("مكتب الفرع")
    expect(citizen.locator("main")).not_to_contain_text("سُلّم الجواز التالف")
