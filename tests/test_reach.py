"""Every reachable page: in its own language, light, and honest about htmx."""

import pytest

from tests.helpers.crawl import crawl, detail_pages, foreign_words

ROLES = [None, "citizen", "resident", "agent", "desk", "officer", "admin"]
PAGE_BUDGET = 40 * 1024
CSS_BUDGET = 25 * 1024
APP_JS_BUDGET = 2 * 1024
ALLOWED_SCRIPTS = ("/static/vendor/htmx.min.js", "/static/js/app.js")


def switch_language(client, lang):
    client.submit("/language", {"lang": lang, "next": "/"})


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_speaks_only_its_language(populated, make_client, role, lang):
    client = make_client(role)
    switch_language(client, lang)
    pages = crawl(client, also=detail_pages(populated, role))
    assert pages
    for url, page in pages.items():
        assert page.soup.find("html")["lang"] == lang
        assert foreign_words(page) == [], f"{url} ({lang}) has text outside the catalog"


@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_within_its_weight_budget(populated, make_client, role):
    client = make_client(role)
    for url, page in crawl(client, also=detail_pages(populated, role)).items():
        assert len(page.response.get_data()) <= PAGE_BUDGET, f"{url} is over 40 KB"
        scripts = [tag["src"].split("?")[0] for tag in page.select("script")]
        assert all(src in ALLOWED_SCRIPTS for src in scripts), f"{url} loads {scripts}"
        assert not page.select("script:not([src])"), f"{url} has inline script"
        assert not page.select("[style]"), f"{url} has inline styles"
        for link in page.select('link[rel="stylesheet"]'):
            assert link["href"].startswith("/static/"), "stylesheets are served by the app"


def test_static_files_are_small_fingerprinted_and_cached(client):
    page = client.page("/login")
    stylesheet = page.one('link[rel="stylesheet"][href*="site.css"]')["href"]
    assert "?v=" in stylesheet
    response = client.get(stylesheet)
    assert len(response.get_data()) <= CSS_BUDGET
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert b"@font-face" not in response.get_data(), "no web fonts"
    app_js = client.get(page.one('script[src*="app.js"]')["src"])
    assert len(app_js.get_data()) <= APP_JS_BUDGET


def test_pages_and_scripts_are_compressed_for_browsers_that_ask(client):
    page = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    htmx = client.get("/static/vendor/htmx.min.js", headers={"Accept-Encoding": "br, gzip"})
    assert htmx.headers["Content-Encoding"] in ("br", "gzip")
    assert len(htmx.get_data()) < 25 * 1024


def test_populated_crawl_reaches_the_detail_pages(populated, make_client):
    urls = set(crawl(make_client("citizen")))
    assert f"/messages/{populated['request']}" in urls
    assert f"/appointments/{populated['appointment']}" in urls
    assert f"/delivery/{populated['delivery']}" in urls
    agent_urls = set(crawl(make_client("agent")))
    assert f"/sector/requests/{populated['request']}" in agent_urls
    desk_pages = crawl(make_client("desk"), also=detail_pages(populated, "desk"))
    desk_page = desk_pages[f"/desk/appointments/{populated['appointment']}"]
    assert desk_page.status == 200
    assert populated["request"] in desk_page.text


def test_the_language_check_notices_a_stray_word(client):
    from tests.helpers.pages import Page

    page = client.page("/login")
    page.response.set_data(page.html.replace("تسجيل الدخول</h1>", "Sign in</h1>"))
    assert foreign_words(Page(page.response)) == ["Sign", "in"]


@pytest.mark.parametrize("role", ["citizen", "agent", "desk", "officer"])
def test_htmx_urls_serve_a_whole_page_to_a_plain_visit(populated, make_client, role):
    """Every hx-get URL on a page, opened directly (no HX-Request), is a full page;
    and a URL that answers htmx differently says so with Vary: HX-Request."""
    client = make_client(role)
    hx_urls = set()
    for page in crawl(client, also=detail_pages(populated, role)).values():
        for element in page.select("[hx-get]"):
            hx_urls.add(element["hx-get"])
    if role == "citizen":
        assert len(hx_urls) >= 2, "the request form and the booking steps use htmx"
    for url in sorted(hx_urls):
        plain = client.page(url)
        assert plain.status in (200, 422), url
        assert plain.soup.find("html") is not None, f"{url} answers a bare fragment"
        assert len(plain.select("h1")) == 1, url
        fragment = client.page(url, htmx=True)
        if fragment.html != plain.html:
            assert "HX-Request" in fragment.response.headers.get("Vary", ""), url


@pytest.mark.parametrize("role", ["agent", "desk", "officer", "admin"])
def test_staff_tables_have_captions_and_headers(populated, make_client, role):
    tables = 0
    for url, page in crawl(make_client(role), also=detail_pages(populated, role)).items():
        for table in page.select("table"):
            tables += 1
            assert table.select_one("caption") and table.select_one("caption").get_text(strip=True), url
            assert table.select("thead th[scope=col]"), url
    assert tables, "each staff role works from at least one table"
