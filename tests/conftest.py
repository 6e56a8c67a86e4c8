"""Fixtures: a real database (SQLite file, or PostgreSQL from TEST_DATABASE_URL),
the demo data reset before every test, and clients that read pages as people do."""

import os
import re

import psycopg2
import pytest
import time_machine
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

import migrations
import models
from app import create_app
from domain.catalog import load_catalog
from domain.demo import seed_demo

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")

DEMO = {
    "citizen": "1000000008",
    "resident": "2000000006",
    "agent": "1000000016",
    "desk": "1000000024",
    "officer": "1099999995",
    "admin": "1100000007",
}
PASSWORD = "demo1234"


# The instants a test marked ``clock`` runs at, in UTC: both sides of Riyadh's
# midnight (21:00 UTC) and of UTC's, on the night from Wednesday 17 February 2027
# into Thursday, the last working day before the weekend, and the Thursday
# before the Founding Day holiday. At 21:30 and 23:30 the machine's date and
# Riyadh's differ, so a test that mixes them fails every time, not at night.
CLOCK_INSTANTS = {
    "20.30Z": "2027-02-17T20:30:00+00:00",
    "21.30Z": "2027-02-17T21:30:00+00:00",
    "23.30Z": "2027-02-17T23:30:00+00:00",
    "00.30Z": "2027-02-18T00:30:00+00:00",
}


def pytest_generate_tests(metafunc):
    if metafunc.definition.get_closest_marker("clock"):
        metafunc.parametrize("clock", list(CLOCK_INSTANTS.values()), ids=list(CLOCK_INSTANTS), indirect=True)


@pytest.fixture(autouse=True)
def clock(request):
    """The clock, moved to a fixed instant for tests marked ``clock`` (time goes on from there).

    Autouse, so the move happens before the demo data is seeded with its dates.
    """
    instant = getattr(request, "param", None)
    if instant is None:
        yield None
        return
    with time_machine.travel(instant, tick=True) as traveller:
        yield traveller


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + TEST_DATABASE_URL if TEST_DATABASE_URL else 'SQLite (temporary file)'}"


def _fresh_postgres(url):
    """Check the server answers and start from an empty schema; fail loudly if not."""
    try:
        connection = psycopg2.connect(url, connect_timeout=5)
    except psycopg2.OperationalError as error:
        pytest.exit(f"TEST_DATABASE_URL is set but PostgreSQL is unreachable: {error}", returncode=1)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    connection.close()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if TEST_DATABASE_URL:
        _fresh_postgres(TEST_DATABASE_URL)
        return TEST_DATABASE_URL
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "tawasul-test.db")


@pytest.fixture(scope="session")
def base_app(database_url, tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
            "DEMO_MODE": True,
            "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),
        }
    )
    with app.app_context(), models.db.connection_context():
        migrations.upgrade()
        load_catalog()
    return app


def catalog_tables():
    return {model._meta.table_name for model in models.CATALOG_MODELS} | {"schema_version"}


def reset_data():
    """Empty every table but the catalog's, then seed the demo accounts again."""
    tables = [name for name in models.db.get_tables() if name not in catalog_tables()]
    if models.is_sqlite():
        models.db.execute_sql("PRAGMA foreign_keys = OFF")
        with models.db.atomic():
            for name in tables:
                models.db.execute_sql(f'DELETE FROM "{name}"')
            if models.db.table_exists("sqlite_sequence"):
                models.db.execute_sql(
                    "DELETE FROM sqlite_sequence WHERE name IN (%s)" % ",".join("?" * len(tables)), tables
                )
        models.db.execute_sql("PRAGMA foreign_keys = ON")
    else:
        quoted = ", ".join(f'"{name}"' for name in tables)
        models.db.execute_sql(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    seed_demo(with_catalog=False)


@pytest.fixture
def app(base_app):
    with base_app.app_context(), models.db.connection_context():
        reset_data()
    return base_app


@pytest.fixture
def db(app):
    """An app context with an open connection, for calling the domain directly.

    Only for tests that load no pages: client requests would share its `g`
    (and so its CSRF token) and close its connection.
    """
    with app.test_request_context(), models.db.connection_context():
        yield models.db


class Page:
    """A response read as a person reads it."""

    def __init__(self, response):
        self.response = response
        self.status = response.status_code
        self.html = response.get_data(as_text=True)
        self.soup = BeautifulSoup(self.html, "html.parser")

    @property
    def text(self):
        return " ".join(self.soup.get_text(" ").split())

    def select(self, css):
        return self.soup.select(css)

    def one(self, css):
        found = self.soup.select(css)
        assert len(found) == 1, f"expected one {css!r}, found {len(found)}"
        return found[0]

    def form_values(self, css="form"):
        """The values a browser would send for the form, before the person edits it."""
        form = self.soup.select(css)[0] if isinstance(css, str) else css
        values = {}
        for field in form.select("input[name], textarea[name], select[name]"):
            name = field["name"]
            if field.name == "select":
                chosen = field.select_one("option[selected]") or field.select_one("option")
                values[name] = chosen.get("value", chosen.text) if chosen else ""
            elif field.name == "textarea":
                values[name] = field.text
            elif field.get("type") in ("checkbox", "radio"):
                if field.has_attr("checked"):
                    values[name] = field.get("value", "on")
            elif field.get("type") not in ("submit", "button"):
                values[name] = field.get("value", "")
        return values


class PortalClient(FlaskClient):
    """A test client that keeps its CSRF token and returns Pages."""

    csrf_token = None

    def page(self, url, htmx=False, **kwargs):
        headers = kwargs.pop("headers", {})
        if htmx:
            headers["HX-Request"] = "true"
        page = Page(self.get(url, headers=headers, **kwargs))
        token = page.soup.select_one('input[name="csrf_token"]')
        if token:
            self.csrf_token = token["value"]
        return page

    def submit(self, url, data=None, htmx=False, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf and "csrf_token" not in data:
            if self.csrf_token is None:
                self.page("/", follow_redirects=True)
            data["csrf_token"] = self.csrf_token
        headers = kwargs.pop("headers", {})
        if htmx:
            headers["HX-Request"] = "true"
        return Page(self.post(url, data=data, headers=headers, **kwargs))


@pytest.fixture
def client(app):
    app.test_client_class = PortalClient
    return app.test_client()


def latest_code(phone):
    message = (
        models.OutboxMessage.select()
        .where((models.OutboxMessage.recipient == phone) & (models.OutboxMessage.channel == "sms"))
        .order_by(models.OutboxMessage.id.desc())
        .first()
    )
    return re.search(r"\d{6}", message.body).group(0)


def sign_in(client, national_id, password=PASSWORD):
    """Sign in through the real pages: ID and password, then the SMS code."""
    page = client.submit("/login", {"national_id": national_id, "password": password})
    assert page.status == 303, page.text
    with client.application.app_context(), models.db.connection_context():
        phone = models.User.get(models.User.national_id == national_id).phone
        code = latest_code(phone)
    page = client.submit("/login/code", {"code": code})
    assert page.status == 303, page.text
    client.csrf_token = None  # signing in starts a new session, with a new token
    return client


@pytest.fixture
def make_client(app):
    """Make a signed-in client for a demo role: make_client("citizen")."""
    app.test_client_class = PortalClient

    def make(role=None):
        new_client = app.test_client()
        if role:
            sign_in(new_client, DEMO[role])
        return new_client

    return make


@pytest.fixture
def populated(app, make_client):
    """A request needing a visit, its appointment and a delivery, so detail pages are reached."""
    from tests.populate import populate

    return populate(app, make_client("citizen"))


@pytest.fixture
def citizen(make_client):
    return make_client("citizen")


@pytest.fixture
def resident(make_client):
    return make_client("resident")


@pytest.fixture
def agent(make_client):
    return make_client("agent")


@pytest.fixture
def desk(make_client):
    return make_client("desk")


@pytest.fixture
def officer(make_client):
    return make_client("officer")


@pytest.fixture
def admin(make_client):
    return make_client("admin")


def assert_well_formed(page):
    """Cheap checks every page must pass: lang/dir, one h1, unique ids, labelled controls."""
    html = page.soup.find("html")
    assert html is not None and html.get("lang") in ("ar", "en")
    assert html.get("dir") == ("rtl" if html["lang"] == "ar" else "ltr")
    assert len(page.select("h1")) == 1, "a page has exactly one h1"
    ids = [tag["id"] for tag in page.select("[id]")]
    assert len(ids) == len(set(ids)), f"duplicate ids: {sorted(i for i in ids if ids.count(i) > 1)}"
    for control in page.select("input, select, textarea"):
        if control.get("type") in ("hidden", "submit", "button"):
            continue
        labelled = control.get("aria-label") or (
            control.get("id") and page.soup.select_one(f'label[for="{control["id"]}"]')
        )
        assert labelled, f"unlabelled control: {control}"
    assert not page.select("script:not([src])"), "no inline script"
