"""When the database is away: a short 503 page in the visitor's language, static files served, recovery by itself."""

from urllib.parse import urlsplit, urlunsplit

import pytest

from app import create_app
from tests.helpers.accounts import DEMO, sign_in
from tests.helpers.database import TEST_DATABASE_URL, bind_suite_database
from tests.helpers.pages import PortalClient
from tests.helpers.tcp import Forwarder


@pytest.fixture
def app_without_database(app, tmp_path):
    config = dict(app.config, DATABASE_URL=f"sqlite:///{tmp_path}/no-such-folder/tawasul.db")
    away = create_app(config)
    away.test_client_class = PortalClient
    yield away
    bind_suite_database(app)


def test_pages_say_in_arabic_that_the_service_is_briefly_unavailable(app_without_database):
    client = app_without_database.test_client()
    page = client.page("/")
    assert page.status == 503
    assert page.response.headers["Retry-After"] == "30"
    assert "الخدمة غير متاحة مؤقتًا" in page.one("h1").text
    assert "لم يضع شيء" in page.text
    assert page.one("html")["lang"] == "ar"


def test_pages_say_it_in_english_to_an_english_visitor(app_without_database):
    client = app_without_database.test_client()
    with client.session_transaction() as session:
        session["lang"] = "en"
    page = client.page("/login")
    assert page.status == 503
    assert "briefly unavailable" in page.one("h1").text


def test_static_files_and_the_liveness_check_do_not_need_the_database(app_without_database):
    client = app_without_database.test_client()
    assert client.get("/static/css/site.css").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 503


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="PostgreSQL going away needs the suite on PostgreSQL")
def test_the_portal_recovers_by_itself_when_postgresql_comes_back(app):
    address = urlsplit(TEST_DATABASE_URL)
    forwarder = Forwarder((address.hostname or "127.0.0.1", address.port or 5432))
    through = urlunsplit(address._replace(netloc=f"{address.username or 'postgres'}@127.0.0.1:{forwarder.port}"))
    flaky = create_app(dict(app.config, DATABASE_URL=through))
    flaky.test_client_class = PortalClient
    client = flaky.test_client()
    try:
        assert client.get("/login").status_code == 503  # nothing listens yet
        forwarder.start()
        sign_in(client, DEMO["citizen"])
        assert client.get("/notifications").status_code == 200
        forwarder.stop()  # the server goes away with the pool's connections open
        for _ in range(3):
            assert client.get("/notifications").status_code == 503
        forwarder.start()
        assert client.get("/notifications").status_code == 200  # still signed in: nothing was lost
    finally:
        forwarder.stop()
        bind_suite_database(app)
