"""Signing in and reaching «الخدمات العامة» in real Chromium, with and without JavaScript."""

import re

from playwright.sync_api import expect

from tests.helpers.browser import browser_sign_in


def test_beneficiary_signs_in_and_reaches_general_services(browser_page):
    page = browser_sign_in(browser_page, "citizen")
    expect(page.locator("h1")).to_contain_text("عبدالله محمد العتيبي")
    page.get_by_role("link", name="خدمات").first.click()
    page.get_by_role("link", name="الخدمات العامة").click()
    expect(page.locator("h1")).to_have_text("الخدمات العامة")
    for name in ["الرسائل والطلبات", "المواعيد", "توصيل الوثائق"]:
        expect(page.get_by_role("link", name=name)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")


def test_wrong_password_shows_the_error_summary(browser_page):
    page = browser_page
    page.goto("/login")
    page.get_by_label("رقم الهوية الوطنية أو الإقامة").fill("1000000008")
    page.get_by_label("كلمة المرور").fill("wrong-password")
    page.get_by_role("button", name="تسجيل الدخول").click()
    expect(page.locator(".error-summary")).to_contain_text("رقم الهوية أو كلمة المرور غير صحيحة")
    expect(page.get_by_label("رقم الهوية الوطنية أو الإقامة")).to_have_value("1000000008")
    expect(page).to_have_title(re.compile("^خطأ:"))


def test_staff_land_on_their_desk_and_switch_language(browser_page):
    page = browser_sign_in(browser_page, "desk")
    assert page.url.endswith("/desk")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith("/desk")
