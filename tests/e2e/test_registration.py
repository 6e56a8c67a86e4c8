"""«تسجيل مستخدم جديد» in real Chromium, with and without JavaScript: a refused detail kept, then an account."""

import re

from playwright.sync_api import expect

import models
from tests.helpers.accounts import latest_code

PASSWORD = "نخلة-الرياض-2027"


def fill_details(page, day):
    page.get_by_label("رقم الهوية الوطنية أو الإقامة").fill("1080000001")
    page.get_by_label("هجري").check()
    page.get_by_label("اليوم").fill(day)
    page.get_by_label("الشهر").fill("3")
    page.get_by_label("السنة").fill("1415")
    page.get_by_label("رقم الجوال").fill("0500000101")
    page.get_by_role("button", name="إرسال الرمز").click()


def test_a_new_user_registers_from_the_sign_in_page(browser_page):
    page = browser_page
    page.goto("/login")
    page.get_by_role("link", name="تسجيل مستخدم جديد").click()
    expect(page.locator("h1")).to_have_text("تسجيل مستخدم جديد")
    expect(page.get_by_role("heading", name=re.compile("للتجربة"))).to_be_visible()

    fill_details(page, "31")  # Rabi al-Awwal has no 31st day
    expect(page).to_have_title(re.compile("^خطأ:"))
    expect(page.locator(".error-summary")).to_contain_text("تاريخ ميلاد صحيحًا")
    expect(page.get_by_label("رقم الجوال")).to_have_value("0500000101")
    expect(page.get_by_label("السنة")).to_have_value("1415")
    page.get_by_label("اليوم").fill("12")
    page.get_by_role("button", name="إرسال الرمز").click()

    page.wait_for_url("**/register/password")
    expect(page.locator("main")).to_contain_text("******0101")
    with models.db.connection_context():
        code = latest_code("0500000101")
    page.get_by_label("رمز التحقق").fill(code)
    page.get_by_label("كلمة المرور الجديدة", exact=True).fill(PASSWORD)
    page.get_by_label("كلمة المرور الجديدة مرة أخرى").fill(PASSWORD)
    page.get_by_role("button", name="فتح الحساب").click()

    page.wait_for_url("**/login")
    expect(page.locator(".flashes")).to_contain_text("حسابك جاهز")
    page.get_by_label("رقم الهوية الوطنية أو الإقامة").fill("1080000001")
    page.get_by_label("كلمة المرور").fill(PASSWORD)
    page.get_by_role("button", name="تسجيل الدخول").click()
    page.wait_for_url("**/login/code")
    with models.db.connection_context():
        code = latest_code("0500000101")
    page.get_by_label("رمز التحقق").fill(code)
    page.get_by_role("button", name="تحقق").click()
    expect(page.locator("h1")).to_contain_text("ريم عبدالعزيز الحربي")
