"""Messages and requests in real Chromium, with JavaScript on and off:
choose the sector, see the services change, send, print, answer, follow."""

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.helpers.browser import browser_sign_in
from tests.helpers.pdf import pdf_contains, pdf_text

SECTIONS = [
    "معالجة الجواز السعودي وتصاريح السفر",
    "إجراءات هوية المقيم داخل المملكة",
    "تأشيرات الخروج والعودة والنهائي",
    "تأشيرات الزيارة",
]


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def assert_accessible(page):
    """axe-core finds no WCAG 2.2 AA problem (it is JavaScript, so only where JavaScript runs)."""
    if page.javascript:
        result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert [v["id"] for v in result.response["violations"]] == []


def mark_document(page):
    """Leave a mark in the loaded document; a full page load wipes it."""
    if page.javascript:
        page.evaluate("document.documentElement.dataset.mark = 'kept'")


def assert_same_document(page):
    if page.javascript:
        expect(page.locator("html")).to_have_attribute("data-mark", "kept")


def open_new_message(page):
    page.get_by_role("link", name="خدمات").first.click()
    page.get_by_role("link", name="الخدمات العامة").click()
    page.get_by_role("link", name="الرسائل والطلبات").click()
    expect(page.locator("h1")).to_have_text("طلباتي")
    page.get_by_role("link", name="رسالة جديدة").click()
    expect(page.locator("h1")).to_have_text("رسالة جديدة")


def choose_sector(page, name):
    page.get_by_label("القطاع").select_option(label=name)
    show = page.get_by_role("button", name="عرض الخدمات")
    if page.javascript:
        expect(show).to_be_hidden()
    else:
        show.click()
        page.wait_for_load_state()


def service_groups(page):
    groups = page.locator("#service optgroup")
    return [groups.nth(i).get_attribute("label") for i in range(groups.count())]


def test_send_a_request_print_it_and_see_the_answer(browser_page, new_browser_page):
    page = browser_sign_in(browser_page, "citizen")
    open_new_message(page)
    expect(page.locator("#service optgroup")).to_have_count(0)
    page.get_by_label("الموضوع").fill("تجديد الجواز قبل السفر")
    mark_document(page)

    choose_sector(page, "المديرية العامة للجوازات")
    expect(page.locator("#service optgroup").first).to_have_attribute("label", SECTIONS[0])
    assert set(SECTIONS) <= set(service_groups(page))
    assert_same_document(page)
    expect(page.get_by_label("الموضوع")).to_have_value("تجديد الجواز قبل السفر")

    choose_sector(page, "الإدارة العامة للمرور")
    expect(page.locator("#service optgroup").first).to_have_attribute("label", "رخص القيادة")
    assert "معالجة الجواز السعودي وتصاريح السفر" not in service_groups(page)
    choose_sector(page, "المديرية العامة للجوازات")
    expect(page.locator("#service optgroup").first).to_have_attribute("label", SECTIONS[0])
    assert_same_document(page)

    page.get_by_label("الخدمة").select_option(label="تجديد جواز سفر سعودي")
    message = "أرغب في تجديد جواز سفري قبل موعد السفر."
    page.get_by_label("الرسالة").fill(message)
    if page.javascript:
        expect(page.locator("#body-count")).to_contain_text(f"متبقٍ {1000 - len(message)} حرفًا")
    page.get_by_role("button", name="إرسال", exact=True).click()

    expect(page.locator("h1")).to_have_text("تم إرسال طلبك")
    reference = page.locator(".panel__number").inner_text().strip()
    assert re.fullmatch(r"M\d{4}-\d{6}", reference)
    expect(page.locator(".summary")).to_contain_text("المديرية العامة للجوازات")
    assert_accessible(page)

    pdf_url = page.get_by_role("link", name="طباعة").get_attribute("href")
    response = page.request.get(pdf_url)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.body())
    assert pdf_contains(text, f"رقم الطلب {reference}")
    assert pdf_contains(text, "المديرية العامة للجوازات")

    staff = browser_sign_in(new_browser_page(), "agent")
    expect(staff.locator("h1")).to_have_text("الطلبات الواردة")
    staff.get_by_role("link", name=reference).click()
    mark_document(staff)
    staff.get_by_role("button", name="استلام").click()
    expect(staff.locator("#status-heading")).to_contain_text("قيد المعالجة")
    staff.get_by_label("ردك").fill("يمكنك التجديد إلكترونيًا عبر المنصة.")
    expect(staff.get_by_label("الحالة بعد الرد")).to_have_value("answered")
    staff.get_by_role("button", name="إرسال الرد").click()
    expect(staff.locator("#status-heading")).to_contain_text("تمت الإجابة")
    expect(staff.locator(".timeline")).to_contain_text("يمكنك التجديد إلكترونيًا عبر المنصة.")
    assert_same_document(staff)
    assert_accessible(staff)

    page.goto("/messages")
    row = page.locator("tbody tr", has_text=reference)
    expect(row).to_contain_text("تمت الإجابة")
    row.get_by_role("link", name=reference).click()
    expect(page.locator(".timeline")).to_contain_text("يمكنك التجديد إلكترونيًا عبر المنصة.")
    assert_accessible(page)


def test_errors_keep_what_was_typed(browser_page):
    page = browser_sign_in(browser_page, "citizen")
    page.goto("/messages/new")
    mark_document(page)
    choose_sector(page, "المديرية العامة للجوازات")
    page.get_by_label("الرسالة").fill("رسالة بلا موضوع")
    page.get_by_role("button", name="إرسال", exact=True).click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("أدخل الموضوع.")
    expect(summary).to_contain_text("اختر الخدمة.")
    expect(page.get_by_label("الرسالة")).to_have_value("رسالة بلا موضوع")
    expect(page.get_by_label("القطاع")).to_have_value("passports")
    assert_same_document(page)
    assert_accessible(page)
    summary.get_by_role("link", name="أدخل الموضوع.").click()
    expect(page.get_by_label("الموضوع")).to_be_focused()


def test_reply_and_withdraw(browser_page):
    page = browser_sign_in(browser_page, "citizen")
    page.goto("/messages/new")
    choose_sector(page, "المديرية العامة للجوازات")
    page.get_by_label("الخدمة").select_option(label="استفسار عام")
    page.get_by_label("الموضوع").fill("استفسار")
    page.get_by_label("الرسالة").fill("ما المستندات المطلوبة؟")
    page.get_by_role("button", name="إرسال", exact=True).click()
    page.get_by_role("link", name="عرض الطلب").click()
    mark_document(page)
    page.get_by_label("ردك").fill("وأيضًا صورة شخصية؟")
    page.get_by_role("button", name="إرسال الرد").click()
    expect(page.locator(".timeline")).to_contain_text("وأيضًا صورة شخصية؟")
    expect(page.get_by_label("ردك")).to_have_value("")
    assert_same_document(page)
    page.get_by_role("link", name="سحب الطلب").click()
    page.get_by_role("button", name="نعم، اسحبه").click()
    expect(page.locator(".summary .status")).to_have_text("مسحوب")
    expect(page.get_by_label("ردك")).to_have_count(0)
