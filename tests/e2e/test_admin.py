"""«الإدارة» in real Chromium, with and without JavaScript: a staff account opened, stopped, and the audit read."""

from playwright.sync_api import expect

import models
from domain.identity import national_id_problem
from tests.helpers.browser import browser_sign_in

NEW_DESK_ID = next(f"10000003{n:02d}" for n in range(100) if national_id_problem(f"10000003{n:02d}") is None)


def test_an_admin_opens_a_desk_account_then_stops_it_and_finds_both_in_the_audit(browser_page):
    page = browser_sign_in(browser_page, "admin")
    page.get_by_role("link", name="حسابات الموظفين").click()
    page.get_by_role("link", name="فتح حساب موظف").click()
    page.get_by_label("رقم الهوية الوطنية أو الإقامة").fill(NEW_DESK_ID)
    page.get_by_label("الاسم بالعربية").fill("ريم سعد القحطاني")
    page.get_by_label("الاسم بالإنجليزية").fill("Reem Saad Alqahtani")
    page.get_by_label("رقم الجوال").fill("0559876543")
    page.get_by_label("الدور").select_option("desk")
    page.get_by_role("button", name="فتح الحساب").click()
    # A desk needs its branch: the form comes back with everything typed and the reason at the field.
    expect(page.locator("#branch-error")).to_contain_text("الفرع")
    expect(page.get_by_label("الاسم بالعربية")).to_have_value("ريم سعد القحطاني")
    with models.db.connection_context():
        branch_id = str(models.Branch.select().order_by(models.Branch.code).first().id)
    page.locator("#branch").select_option(branch_id)
    page.get_by_role("button", name="فتح الحساب").click()
    expect(page.locator(".flashes")).to_contain_text("ريم سعد القحطاني")
    page.get_by_role("button", name="إيقاف الحساب").click()
    expect(page.locator(".flashes")).to_contain_text("أُوقف الحساب")
    page.goto("/admin/audit")
    rows = page.locator("tbody tr")
    expect(rows.first).to_contain_text("أُوقف الحساب")
    expect(rows.nth(1)).to_contain_text("فُتح حساب موظف")
