"""Real Chromium (Debian's) driven by Playwright against the app served on loopback."""

import threading

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

import models
from tests.conftest import DEMO, PASSWORD, latest_code

CHROMIUM = "/usr/bin/chromium"

# Two cores run the server, the browser and the tests at once: allow for slow answers.
expect.set_options(timeout=15000)
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def live_server(base_app):
    server = make_server("127.0.0.1", 0, base_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def javascript(request):
    return request.param


@pytest.fixture
def browser_page(app, chromium, live_server, javascript):
    """A fresh browser tab (its own cookies) with JavaScript on or off."""
    context = chromium.new_context(base_url=live_server, java_script_enabled=javascript, locale="ar-SA")
    context.set_default_timeout(10000)
    page = context.new_page()
    page.javascript = javascript
    yield page
    context.close()


@pytest.fixture
def new_browser_page(app, chromium, live_server, javascript):
    """Open more tabs with their own cookies (a second person) in the same test."""
    contexts = []

    def open_page():
        context = chromium.new_context(base_url=live_server, java_script_enabled=javascript)
        context.set_default_timeout(10000)
        contexts.append(context)
        page = context.new_page()
        page.javascript = javascript
        return page

    yield open_page
    for context in contexts:
        context.close()


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
