"""Real Chromium (Debian's) driven by Playwright against the app served on loopback."""

import threading

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

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
