"""After a failed attempt, in Chromium with and without JavaScript: the beneficiary asks for a day,
corrects the address, and finally collects the document at the branch the page names."""

from playwright.sync_api import expect

from tests.helpers.browser import browser_sign_in
from tests.helpers.delivery import delivery, document_id, officer_moves, request_delivery


def test_a_day_a_corrected_address_then_the_branch(browser_page, app, citizen):
    delivery_id = request_delivery(citizen, document_id(app))
    officer_moves(app, delivery_id, "preparing", "handed_to_post", "out_for_delivery")
    officer_moves(app, delivery_id, "failed", reason="nobody_home")
    page = browser_sign_in(browser_page, "citizen")
    page.goto(f"/delivery/{delivery_id}")
    expect(page.locator("#delivery-status")).to_have_text("تعذر التسليم")
    expect(page.locator(".timeline li").last).to_contain_text("لا يوجد أحد في العنوان")

    # A day: none chosen is refused at the group, then one of the offered days is kept.
    page.get_by_role("button", name="اطلب هذا اليوم").click()
    expect(page.locator("#day-group .field-error")).to_contain_text("اختر أحد الأيام المعروضة")
    days = page.get_by_role("group", name="يوم للمحاولة التالية").get_by_role("radio")
    expect(days).to_have_count(5)
    days.nth(1).check()
    page.get_by_role("button", name="اطلب هذا اليوم").click()
    expect(page.locator("main")).to_contain_text("المحاولة التالية مطلوبة يوم")
    assert delivery(app, delivery_id).preferred_day is not None

    # A corrected address, checked as at request time.
    page.get_by_role("link", name="تصحيح العنوان").click()
    page.get_by_label("الحي", exact=True).fill("النخيل")
    page.get_by_role("button", name="حفظ العنوان").click()
    expect(page.locator("main")).to_contain_text("النخيل")
    assert delivery(app, delivery_id).district == "النخيل"

    # The branch: named with its address and hours, and the document goes back to it.
    page.goto(f"/delivery/{delivery_id}")
    expect(page.locator("#pickup-branch")).to_contain_text("من الأحد إلى الخميس")
    page.get_by_role("button", name="الاستلام من الفرع بدلًا من ذلك").click()
    expect(page.locator("#delivery-status")).to_have_text("أعيدت إلى الفرع")
