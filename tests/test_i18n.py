"""Arabic first, English complete."""

import pytest

from scripts.translations import problems
from tests.helpers.pages import assert_well_formed


def test_arabic_is_the_default(client):
    page = client.page("/login")
    html = page.soup.find("html")
    assert (html["lang"], html["dir"]) == ("ar", "rtl")
    assert page.one("h1").text == "تسجيل الدخول"


def test_switching_to_english_and_back(client):
    page = client.submit("/language", {"lang": "en", "next": "/login"})
    assert page.status == 303 and page.response.headers["Location"] == "/login"
    page = client.page("/login")
    html = page.soup.find("html")
    assert (html["lang"], html["dir"]) == ("en", "ltr")
    assert page.one("h1").text == "Sign in"
    client.submit("/language", {"lang": "ar", "next": "/login"})
    assert client.page("/login").soup.find("html")["lang"] == "ar"


def test_language_switch_refuses_unknown_languages(client):
    assert client.submit("/language", {"lang": "fr"}).status == 400


@pytest.mark.parametrize("locale", ["ar", "en"])
def test_catalogs_have_no_untranslated_or_fuzzy_entries(locale):
    assert problems(locale) == []


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize(
    "role, paths",
    [
        (None, ["/", "/login", "/dev/outbox"]),
        ("citizen", ["/", "/services", "/services/general", "/notifications"]),
        ("agent", ["/sector/inbox"]),
        ("desk", ["/desk"]),
        ("officer", ["/officer/deliveries"]),
        ("admin", ["/admin/"]),
    ],
)
def test_pages_are_well_formed_in_both_languages(make_client, role, paths, lang):
    client = make_client(role)
    client.submit("/language", {"lang": lang, "next": "/"})
    for path in paths:
        page = client.page(path)
        assert page.status == 200, path
        assert_well_formed(page)
        assert page.soup.find("html")["lang"] == lang
