"""«الإدارة» runs the catalog and closes days in real Chromium, with and without JavaScript."""

import pytest
from playwright.sync_api import expect

import models
from tests.helpers.appointments import book_in_db, next_open_day
from tests.helpers.browser import browser_sign_in
from tests.helpers.catalog import restore_catalog


@pytest.fixture(autouse=True)
def restored(app):
    yield
    restore_catalog()


def test_an_admin_closes_a_branch_day_after_seeing_who_is_affected(app, browser_page):
    with app.app_context():
        day = next_open_day()
        appointment = book_in_db("citizen", day, "09:00")
        with models.db.connection_context():
            branch_id = str(appointment.branch_id)
    page = browser_sign_in(browser_page, "admin")
    page.goto("/admin/")
    page.get_by_role("link", name="الإجازات والإغلاقات").click()
    page.get_by_role("link", name="إغلاق يوم").click()
    page.get_by_label("اليوم", exact=True).fill("غدًا")
    page.locator("#branch").select_option(branch_id)
    page.get_by_label("الاسم بالعربية").fill("أعمال صيانة")
    page.get_by_label("الاسم بالإنجليزية").fill("Maintenance work")
    page.get_by_role("button", name="عرض المتأثرين").click()
    expect(page.locator("#day-error")).to_be_visible()
    expect(page.get_by_label("الاسم بالعربية")).to_have_value("أعمال صيانة")
    page.get_by_label("اليوم", exact=True).fill(day.isoformat())
    page.get_by_role("button", name="عرض المتأثرين").click()
    expect(page.locator("#affected tbody tr")).to_contain_text(appointment.number)
    page.get_by_role("button", name="إغلاق وإلغاء موعد واحد").click()
    expect(page.locator(".flashes")).to_contain_text("أُلغي موعد واحد")
    expect(page.locator("tbody")).to_contain_text("أعمال صيانة")


def test_an_admin_retires_a_service_and_the_catalog_marks_it(app, browser_page):
    page = browser_sign_in(browser_page, "admin")
    page.goto("/admin/")
    page.get_by_role("link", name="دليل الخدمات: القطاعات والأقسام والخدمات").click()
    page.get_by_role("link", name="تجديد جواز سفر سعودي").click()
    page.get_by_label("مدة الرد بأيام العمل").fill("كثير")
    page.get_by_role("button", name="حفظ").click()
    expect(page.locator("#response_days-error")).to_be_visible()
    page.get_by_label("مدة الرد بأيام العمل").fill("6")
    page.get_by_label("فعّال", exact=False).uncheck()
    page.get_by_role("button", name="حفظ").click()
    expect(page.locator(".flashes")).to_contain_text("حُفظ")
    with models.db.connection_context():
        service = models.Service.get(models.Service.code == "passport_renew")
    expect(page.locator(f"#service-{service.id}")).to_contain_text("خارج الخدمة")
    assert not service.active and service.response_days == 6
