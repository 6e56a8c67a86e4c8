"""Roles, CSRF and the security headers every response carries."""

import pytest

from tests.helpers.database import bind_suite_database

BENEFICIARY_PAGES = ["/services", "/services/general", "/messages", "/appointments", "/delivery"]
STAFF_PAGES = {
    "agent": "/sector/inbox",
    "desk": "/desk",
    "officer": "/officer/deliveries",
    "admin": "/admin/",
}


@pytest.mark.parametrize("path", BENEFICIARY_PAGES + list(STAFF_PAGES.values()) + ["/notifications"])
def test_visitors_are_sent_to_sign_in(client, path):
    page = client.page(path)
    assert page.status == 302
    assert page.response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("path", list(STAFF_PAGES.values()))
def test_beneficiaries_cannot_open_staff_pages(citizen, path):
    page = citizen.page(path)
    assert page.status == 403
    assert "لا تملك صلاحية" in page.text


@pytest.mark.parametrize("role", list(STAFF_PAGES))
def test_staff_cannot_open_beneficiary_services(make_client, role):
    client = make_client(role)
    assert client.page("/messages").status == 403


@pytest.mark.parametrize("role, path", list(STAFF_PAGES.items()))
def test_staff_open_their_own_page_only(make_client, role, path):
    client = make_client(role)
    assert client.page(path).status == 200
    for other_role, other_path in STAFF_PAGES.items():
        if other_role != role:
            assert client.page(other_path).status == 403


def test_post_without_csrf_token_is_refused_in_arabic(client):
    page = client.submit("/login", {"national_id": "1000000008", "password": "demo1234"}, csrf=False)
    assert page.status == 400
    assert "انتهت صلاحية النموذج" in page.text


def test_htmx_post_with_header_token_passes_csrf(client):
    client.page("/login")
    response = client.post(
        "/language",
        data={"lang": "en", "next": "/login"},
        headers={"HX-Request": "true", "X-CSRFToken": client.csrf_token},
    )
    assert response.status_code == 303


def test_htmx_post_without_token_is_refused(client):
    response = client.post("/language", data={"lang": "en"}, headers={"HX-Request": "true"})
    assert response.status_code == 400


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_flags(citizen):
    citizen.submit("/language", {"lang": "ar", "next": "/"})
    cookie = citizen.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_unknown_page_is_a_404_in_the_page_language(client):
    page = client.page("/no-such-page")
    assert page.status == 404
    assert "الصفحة غير موجودة" in page.text
    client.submit("/language", {"lang": "en", "next": "/"})
    page = client.page("/no-such-page")
    assert "Page not found" in page.text


def test_demo_outbox_only_in_demo_mode(client):
    assert client.page("/dev/outbox").status == 200
    from app import create_app

    try:
        production = create_app({"DATABASE_URL": client.application.config["DATABASE_URL"]})
        assert production.test_client().get("/dev/outbox").status_code == 404
    finally:
        bind_suite_database(client.application)
