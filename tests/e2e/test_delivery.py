"""Document delivery in real Chromium, with JavaScript on and off: the beneficiary
requests it and pays its SADAD bill on the demo page, the officer moves it along and
enters the beneficiary's delivery code at «تم التسليم», the tracking page shows every step."""

import re

from playwright.sync_api import expect

from tests.helpers.browser import browser_sign_in

STEPS = ["قيد التجهيز", "سُلّمت للبريد السعودي", "خرجت للتوصيل", "تم التسليم"]


def fill_address(page, postal_code):
    page.get_by_label("العنوان المختصر").fill("rrrd٢٩٢٩")
    page.get_by_label("رقم المبنى").fill("2929")
    page.get_by_label("اسم الشارع").fill("طريق الملك فهد")
    page.get_by_label("الحي", exact=True).fill("العليا")
    page.get_by_label("المدينة").select_option("riyadh")
    page.get_by_label("الرمز البريدي").fill(postal_code)
    page.get_by_label("الرقم الإضافي").fill("7788")


def request_passport_delivery(page):
    page.get_by_role("link", name="خدمات").first.click()
    page.get_by_role("link", name="الخدمات العامة").click()
    page.get_by_role("link", name="توصيل الوثائق").click()
    expect(page.locator("h1")).to_have_text("توصيل الوثائق")
    page.get_by_role("link", name="طلب توصيل — جواز السفر").click()
    expect(page.locator("h1")).to_have_text("طلب توصيل")

    fill_address(page, postal_code="12")
    if page.javascript:
        # htmx checks the field as soon as it loses focus, before any submit.
        form_url = page.url
        page.get_by_label("الرقم الإضافي").focus()
        expect(page.locator("#postal_code-group .field-error")).to_contain_text("الرمز البريدي يتكون من 5 أرقام")
        assert page.url == form_url
        page.get_by_label("الرمز البريدي").fill("١٢٢١١")
        page.get_by_label("الرقم الإضافي").focus()
        expect(page.locator("#postal_code-group .field-error")).to_have_count(0)
        expect(page.get_by_label("الرمز البريدي")).to_have_value("12211")
    else:
        page.get_by_role("button", name="متابعة").click()
        expect(page.locator(".error-summary")).to_contain_text("الرمز البريدي يتكون من 5 أرقام")
        expect(page).to_have_title(re.compile("^خطأ:"))
        expect(page.get_by_label("اسم الشارع")).to_have_value("طريق الملك فهد")
        page.get_by_label("الرمز البريدي").fill("١٢٢١١")
    page.get_by_role("button", name="متابعة").click()

    expect(page.locator("h1")).to_have_text("مراجعة طلب التوصيل")
    expect(page.locator(".panel")).to_contain_text("35.00 ريال")
    expect(page.locator("main")).to_contain_text("RRRD2929")
    page.get_by_role("button", name="تأكيد الطلب").click()

    expect(page.locator("h1")).to_have_text("تم طلب التوصيل")
    number = page.locator(".panel__number bdi").inner_text()
    assert re.fullmatch(r"RR\d{9}SA", number)
    expect(page.get_by_role("link", name="طباعة")).to_be_visible()
    delivery_id = int(page.url.split("/")[-2])
    pay_the_bill(page)
    return number, delivery_id


def pay_the_bill(page):
    """From the confirmation: the bill's number and amount, then «سداد تجريبي»."""
    expect(page.locator("#bill-title")).to_have_text("فاتورة سداد")
    expect(page.locator("#bill-amount")).to_have_text("35.00 ريال")
    expect(page.locator("#bill-number")).to_have_text(re.compile(r"^\d{12}$"))
    page.get_by_role("link", name="سداد تجريبي").click()
    expect(page.locator("h1")).to_have_text("سداد تجريبي")
    page.get_by_role("button", name="سداد الفاتورة").click()
    expect(page.locator("h1")).to_contain_text("تتبع الشحنة")
    expect(page.locator(".flashes")).to_contain_text("سُدّدت الفاتورة")
    expect(page.locator("#delivery-status")).to_have_text("تم استلام الطلب")


def code_from_notifications(page):
    """The delivery code, as the beneficiary reads it in «الإشعارات»."""
    page.goto("/notifications")
    text = page.locator("main").inner_text()
    return re.findall(r"رمز التسليم (\d{4})", text)[0]


def test_request_move_to_delivered_and_track(browser_page, new_browser_page):
    citizen = browser_sign_in(browser_page, "citizen")
    number, delivery_id = request_passport_delivery(citizen)

    officer = browser_sign_in(new_browser_page(), "officer")
    expect(officer.locator("h1")).to_have_text("طلبات التوصيل")
    row = officer.locator(f"#delivery-{delivery_id}")
    expect(row).to_contain_text(number)
    expect(row.locator(".status")).to_have_text("تم استلام الطلب")
    if officer.javascript:
        officer.evaluate("window.stillTheSamePage = true")
    for step in STEPS:
        options = row.locator("select[name=status] option")
        expect(options.first).to_have_text(step)  # only allowed next statuses are offered
        row.get_by_label("الحالة التالية").select_option(label=step)
        if step == "تم التسليم":
            code = code_from_notifications(citizen)
            wrong = f"{(int(code) + 1) % 10000:04d}"
            row.get_by_label("رمز التسليم من المستفيد").fill(wrong)
            row.get_by_label("هل استُلمت الوثيقة القديمة؟").select_option(label="نعم، استُلمت")
            row.get_by_role("button", name=re.compile("^حفظ")).click()
            expect(officer.locator("[role=alert]").first).to_contain_text("رمز التسليم غير صحيح")
            expect(row.locator(".status")).to_have_text("خرجت للتوصيل")
            # The choice of the old document stays; the wrong code is typed again.
            expect(row.get_by_label("هل استُلمت الوثيقة القديمة؟")).to_have_value("yes")
            row.get_by_label("الحالة التالية").select_option(label=step)
            row.get_by_label("رمز التسليم من المستفيد").fill(code)
        row.get_by_role("button", name=re.compile("^حفظ")).click()
        expect(row.locator(".status")).to_have_text(step)
        if officer.javascript and step != STEPS[-1]:
            expect(officer.locator(f"#save-{delivery_id}")).to_be_focused()
            expect(officer.locator("#announcer")).to_contain_text(step)
    expect(officer.locator('.tab-count[data-status="delivered"]')).to_have_text("(1)")
    expect(officer.locator('.tab-count[data-status="received"]')).to_have_text("(0)")
    expect(row).to_contain_text("لا توجد خطوة تالية")
    if officer.javascript:
        # The rows and the counts were updated in place, without loading the page again.
        assert officer.evaluate("window.stillTheSamePage") is True

    citizen.goto(f"/delivery/{delivery_id}")
    expect(citizen.locator("h1")).to_contain_text("تتبع الشحنة")
    expect(citizen.locator("#delivery-status")).to_have_text("تم التسليم")
    expect(citizen.locator(".timeline li strong")).to_have_text(["بانتظار السداد", "تم استلام الطلب", *STEPS])
    expect(citizen.locator(".timeline li time")).to_have_count(6)
    expect(citizen.locator(".timeline li").last).to_contain_text("سُلّمت مقابل رمز التسليم")
    expect(citizen.locator(".timeline li").last).to_contain_text("استُلمت الوثيقة القديمة")


def test_officer_conflict_is_shown_without_overwriting(browser_page, new_browser_page):
    citizen = browser_sign_in(browser_page, "citizen")
    number, delivery_id = request_passport_delivery(citizen)
    first = browser_sign_in(new_browser_page(), "officer")
    second = browser_sign_in(new_browser_page(), "officer")
    first.locator(f"#delivery-{delivery_id}").get_by_role("button", name=re.compile("^حفظ")).click()
    expect(first.locator(f"#delivery-{delivery_id} .status")).to_have_text("قيد التجهيز")
    row = second.locator(f"#delivery-{delivery_id}")
    row.get_by_role("button", name=re.compile("^حفظ")).click()
    expect(second.locator("[role=alert]").first).to_contain_text("حدّث موظف آخر")
    expect(second.locator(f"#delivery-{delivery_id} .status")).to_have_text("قيد التجهيز")
    citizen.goto(f"/delivery/{delivery_id}")
    expect(citizen.locator(".timeline li")).to_have_count(3)
