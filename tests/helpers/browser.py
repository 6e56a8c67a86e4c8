"""Signing in and stepping through forms in Chromium."""

from playwright.sync_api import expect

import models
from tests.helpers.accounts import DEMO, PASSWORD, latest_code


def browser_sign_in(page, role):
    """Sign in as a person does: ID, password, then the code from the outbox."""
    national_id = DEMO[role]
    page.goto("/login")
    page.get_by_label("رقم الهوية الوطنية أو الإقامة").fill(national_id)
    page.get_by_label("كلمة المرور").fill(PASSWORD)
    page.get_by_role("button", name="تسجيل الدخول").click()
    page.wait_for_url("**/login/code")
    with models.db.connection_context():
        phone = models.User.get(models.User.national_id == national_id).phone
        code = latest_code(phone)
    page.get_by_label("رمز التحقق").fill(code)
    page.get_by_role("button", name="تحقق").click()
    page.wait_for_load_state()
    return page


def next_step(page):
    """Without JavaScript each step is a page reached with «التالي»; with it, the next field swaps in."""
    if page.javascript:
        # Wait until htmx has swapped the next field in and wired it up.
        expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")).to_have_count(0)
    else:
        page.get_by_role("button", name="التالي").click()
