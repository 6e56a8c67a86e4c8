"""axe-core (WCAG 2.2 A and AA) on every reachable page, both languages, JS on and off;
and every page fits a 320 px wide phone without scrolling sideways."""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

import models
from tests.helpers.browser import browser_sign_in
from tests.helpers.crawl import crawl, detail_pages

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
ROLES = [None, "citizen", "agent", "desk", "officer", "admin"]
ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "test-artifacts")
README_SHOTS = os.path.join(os.path.dirname(ARTIFACTS), "docs", "screenshots")

axe = Axe()


def reachable_urls(make_client, role, populated=None):
    return list(crawl(make_client(role), also=detail_pages(populated, role)))


def violations(page):
    result = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [
        f"{v['id']}: {v['help']} — {[node['target'] for node in v['nodes']][:3]}" for v in result.response["violations"]
    ]


@pytest.fixture
def axe_page(app, chromium, live_server, javascript):
    """A tab axe can run in. axe-core is JavaScript, so "without JavaScript" here
    means the page's own scripts are blocked: the DOM is what a no-JS browser gets."""
    context = chromium.new_context(base_url=live_server)
    context.set_default_timeout(10000)
    if not javascript:
        context.route("**/static/vendor/htmx.min.js*", lambda route: route.abort())
        context.route("**/static/js/app.js*", lambda route: route.abort())
    page = context.new_page()
    page.javascript = javascript
    yield page
    context.close()


def choose_language(page, lang):
    if lang == "en":
        page.goto("/")
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_no_axe_violations_on_any_page(populated, axe_page, make_client, role, lang):
    urls = reachable_urls(make_client, role, populated)
    page = axe_page
    if role:
        browser_sign_in(page, role)
    choose_language(page, lang)
    found = {}
    for url in urls:
        page.goto(url)
        problems = violations(page)
        if problems:
            found[url] = problems
    assert found == {}


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_error_states_have_no_axe_violations(axe_page, lang):
    """Forms sent empty: the error summary, the messages at the fields, the title."""
    page = axe_page
    found = {}
    browser_sign_in(page, "citizen")
    choose_language(page, lang)
    page.goto("/messages/new")
    page.locator("#request-form button[type=submit]").last.click()
    expect(page.locator(".error-summary")).to_have_count(1)
    found["/messages/new"] = violations(page)
    page.goto("/delivery")
    page.locator('a[href^="/delivery/request/"]').first.click()
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator(".error-summary")).to_have_count(1)
    found["/delivery/request"] = violations(page)
    page.get_by_role("button", name="تسجيل الخروج" if lang == "ar" else "Sign out").click()
    page.goto("/login")
    page.get_by_role("button", name="تسجيل الدخول" if lang == "ar" else "Sign in").click()
    expect(page.locator(".error-summary")).to_have_count(1)
    found["/login"] = violations(page)
    page.goto("/register")
    page.get_by_role("button", name="إرسال الرمز" if lang == "ar" else "Send the code").click()
    expect(page.locator(".error-summary")).to_have_count(1)
    found["/register"] = violations(page)
    assert {url: problems for url, problems in found.items() if problems} == {}


@pytest.mark.parametrize("role", ROLES)
def test_pages_fit_a_320px_phone(populated, chromium, live_server, make_client, role, app):
    context = chromium.new_context(base_url=live_server, viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        if role:
            browser_sign_in(page, role)
        os.makedirs(ARTIFACTS, exist_ok=True)
        for url in reachable_urls(make_client, role, populated):
            page.goto(url)
            width = page.evaluate("document.documentElement.scrollWidth")
            name = f"320-{role or 'visitor'}-{url.strip('/').replace('/', '_').replace('?', '_') or 'home'}.png"
            page.screenshot(path=os.path.join(ARTIFACTS, name), full_page=True)
            assert width <= 320, f"{url} scrolls sideways at 320 px ({width} px wide)"
    finally:
        context.close()


def test_the_axe_check_catches_a_missing_label(axe_page):
    axe_page.set_content(
        '<html lang="ar" dir="rtl"><head><title>t</title></head><body><main><input type="text"></main></body></html>'
    )
    assert any(problem.startswith("label") for problem in violations(axe_page))


def test_readme_screenshots(chromium, live_server, app):
    """Phone-sized Arabic screenshots; UPDATE_SCREENSHOTS=1 copies them to docs/screenshots."""
    context = chromium.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    page = context.new_page()
    os.makedirs(ARTIFACTS, exist_ok=True)
    shots = []
    try:
        page.goto("/login")
        shots.append(("sign-in.png", page.screenshot(path=os.path.join(ARTIFACTS, "sign-in.png"))))
        browser_sign_in(page, "citizen")
        page.goto("/services/general")
        shots.append(("general-services.png", page.screenshot(path=os.path.join(ARTIFACTS, "general-services.png"))))
        page.goto("/messages/new")
        page.get_by_label("القطاع").select_option("passports")
        page.get_by_label("الخدمة").select_option("passport_renew")
        page.get_by_label("الموضوع").fill("تجديد جواز السفر")
        shots.append(
            ("new-request.png", page.screenshot(path=os.path.join(ARTIFACTS, "new-request.png"), full_page=True))
        )
    finally:
        context.close()
    for _name, data in shots:
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("UPDATE_SCREENSHOTS"):
        os.makedirs(README_SHOTS, exist_ok=True)
        for name, _ in shots:
            shutil.copy(os.path.join(ARTIFACTS, name), os.path.join(README_SHOTS, name))


BOOKING_DATE_STEP = (
    "/appointments/book?sector=passports&service=passport_issue&region=riyadh&branch=passports_riyadh_north"
)


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_the_booking_calendar_has_no_axe_violations(axe_page, lang, width):
    """The date step's month grid of radio buttons: as shown, with a day chosen, and with a full day refused."""
    page = axe_page
    page.set_viewport_size({"width": width, "height": 800})
    browser_sign_in(page, "citizen")
    choose_language(page, lang)
    page.goto(BOOKING_DATE_STEP)
    expect(page.locator("table.calendar").first).to_be_visible()
    found = {"calendar": violations(page)}
    page.locator("table.calendar input[name=date]:not([disabled])").first.check()
    if not page.javascript:
        page.locator("#booking .nojs-only button").click()
    expect(page.locator("#time-group")).to_be_visible()
    found["chosen"] = violations(page)
    page.goto(BOOKING_DATE_STEP + "&date=2000-01-01")
    expect(page.locator("#date-error")).to_be_visible()
    found["refused"] = violations(page)
    assert {state: problems for state, problems in found.items() if problems} == {}
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_public_check_page_has_no_axe_violations_and_fits_a_phone(populated, axe_page):
    with models.db.connection_context():
        token = models.Appointment.get(models.Appointment.number == populated["appointment"]).check_token
    page = axe_page
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"/check/{token}")
    expect(page.locator("h1")).to_have_text("موعد مؤكد")
    assert violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
