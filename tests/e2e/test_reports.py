"""«التقارير» in Chromium, with and without JavaScript: an admin reads a period's requests and downloads a table."""

import os
import shutil
from datetime import timedelta

from playwright.sync_api import expect

import models
from domain import requests as pipeline
from domain.dates import today
from domain.tokens import new_token
from tests.helpers.accounts import DEMO
from tests.helpers.browser import browser_sign_in

ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "test-artifacts")
README_SHOTS = os.path.join(os.path.dirname(ARTIFACTS), "docs", "screenshots")


def sent_and_answered(app, count):
    """Requests from the demo citizen, every other one answered by the demo agent."""
    with app.test_request_context(), models.db.connection_context():
        citizen = models.User.get(models.User.national_id == DEMO["citizen"])
        agent = models.User.get(models.User.national_id == DEMO["agent"])
        sector = models.Sector.get(models.Sector.code == "passports")
        service = models.Service.get(models.Service.code == "passport_renew")
        for n in range(count):
            made = pipeline.submit(citizen, sector, service, f"طلب {n}", "نص الطلب", [], new_token())
            if n % 2 == 0:
                pipeline.staff_reply(made, made.version, agent, "تمت الإجابة عن طلبكم.")


def test_an_admin_reads_the_requests_of_a_period_and_downloads_a_table(browser_page, app):
    sent_and_answered(app, 4)
    page = browser_sign_in(browser_page, "admin")
    page.get_by_role("navigation", name="القائمة الرئيسية").get_by_role("link", name="التقارير").click()
    page.get_by_role("link", name="الرسائل والطلبات").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("تقرير الطلبات")
    page.get_by_label("من").fill((today() - timedelta(days=6)).isoformat())
    page.get_by_label("إلى").fill(today().isoformat())
    page.get_by_role("button", name="عرض").click()
    expect(page.locator("dl.summary")).to_contain_text("المستلمة")
    expect(page.locator("#table-days tbody tr")).to_have_count(7)
    expect(page.get_by_role("img", name="الطلبات في كل يوم")).to_be_visible()
    with page.expect_download() as download:
        page.locator("#table-services").get_by_role("link", name="تنزيل الجدول").click()
    with open(download.value.path(), encoding="utf-8-sig") as downloaded:
        text = downloaded.read()
    assert text.splitlines()[0].startswith("القطاع,الخدمة,المستلمة")
    if page.javascript:
        page.set_viewport_size({"width": 1280, "height": 900})
        os.makedirs(ARTIFACTS, exist_ok=True)
        shot = os.path.join(ARTIFACTS, "report-requests.png")
        page.screenshot(path=shot, full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": 1000})
        if os.environ.get("UPDATE_SCREENSHOTS"):
            os.makedirs(README_SHOTS, exist_ok=True)
            shutil.copy(shot, os.path.join(README_SHOTS, "report-requests.png"))
