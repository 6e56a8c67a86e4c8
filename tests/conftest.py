"""Fixtures: a real database (SQLite file, or PostgreSQL from TEST_DATABASE_URL),
the demo data reset before every test, and clients that read pages as people do."""

import os
from urllib.parse import urlsplit

import psycopg2
import pytest
import time_machine

import migrations
import models
from app import create_app
from domain.catalog import load_catalog
from domain.demo import seed_demo
from tests.helpers.accounts import DEMO, sign_in
from tests.helpers.database import TEST_DATABASE_URL, run_in
from tests.helpers.gateway import Gateway
from tests.helpers.messaging import expected_due
from tests.helpers.pages import PortalClient
from views import limits

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


# Eight in the morning in Riyadh on Wednesday 17 February 2027, an open day: for the desk's
# attendance windows, which follow the visit's own time.
VISIT_MORNING = "2027-02-17T05:00:00+00:00"


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


@pytest.fixture
def visit_morning():
    """The clock at 08:00 in Riyadh on an open day (time goes on; ``shift`` moves it).

    Ask for it before the clients, so that they sign in at that time.
    """
    with time_machine.travel(VISIT_MORNING, tick=True) as traveller:
        yield traveller


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + TEST_DATABASE_URL if TEST_DATABASE_URL else 'SQLite (temporary file)'}"


def _own_postgres(url):
    """A new, empty database on the server of ``url``, for this run alone; dropped when the run ends.

    Two runs against one server (two checkouts, or CI beside a developer) never
    share tables, so neither wipes what the other is using.
    """
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'test'}_run_{os.getpid()}"
    try:
        connection = psycopg2.connect(url, connect_timeout=5)
    except psycopg2.OperationalError as error:
        pytest.exit(f"TEST_DATABASE_URL is set but PostgreSQL is unreachable: {error}", returncode=1)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    return parts._replace(path="/" + name).geturl(), name


def _drop_postgres(url, name):
    connection = psycopg2.connect(url, connect_timeout=5)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if TEST_DATABASE_URL:
        url, name = _own_postgres(TEST_DATABASE_URL)
        yield url
        _drop_postgres(TEST_DATABASE_URL, name)
        return
    yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "tawasul-test.db")


@pytest.fixture(scope="session")
def base_app(database_url, tmp_path_factory):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
            "DEMO_MODE": True,
            # Enough kept connections for the booking race's fifty threads, each holding one at once.
            "DATABASE_POOL_SIZE": 64,
            "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),
            # Tasks run at once, in the test's own process, so their effects can be asserted.
            "HUEY_IMMEDIATE": True,
            "HUEY_FILE": str(tmp_path_factory.mktemp("queue") / "huey.db"),
            # A failed send is retried at once (a delayed retry would wait for a consumer's scheduler).
            "OUTBOX_RETRY_SECONDS": 0,
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
    # The search index's own tables (SQLite's FTS5 keeps request_search_data and the like) are
    # emptied through the index, never directly.
    tables = [
        name
        for name in models.db.get_tables()
        if name not in catalog_tables() and not name.startswith("request_search_")
    ]
    if models.is_sqlite():
        models.db.execute_sql("PRAGMA foreign_keys = OFF")
        with models.db.atomic():
            for name in tables:
                models.db.execute_sql(f'DELETE FROM "{name}"')
            if models.db.table_exists("sqlite_sequence"):
                models.db.execute_sql(
                    f"DELETE FROM sqlite_sequence WHERE name IN ({','.join('?' * len(tables))})", tables
                )
        models.db.execute_sql("PRAGMA foreign_keys = ON")
    else:
        quoted = ", ".join(f'"{name}"' for name in tables)
        models.db.execute_sql(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    seed_demo(with_catalog=False, visits=False)


@pytest.fixture
def app(base_app):
    with base_app.app_context(), models.db.connection_context():
        reset_data()
        limits.reset()
    return base_app


@pytest.fixture
def in_app(app):
    """Run a function on the database between page loads: ``in_app(lambda: Delivery.get_by_id(1).status)``.

    The one way tests read rows (or set them up) while the client serves pages:
    each call has an app context and a connection of its own, so none stays open
    across requests and no request shares the test's context.
    """
    return lambda function: run_in(app, function)


@pytest.fixture
def db(app):
    """An app context with an open connection, for calling the domain directly.

    Only for tests that load no pages: client requests would share its `g`
    (and so its CSRF token) and close its connection.
    """
    with app.test_request_context(), models.db.connection_context():
        yield models.db


@pytest.fixture
def client(app):
    app.test_client_class = PortalClient
    return app.test_client()


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
    from tests.helpers.populate import populate

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


class Data:
    """Reads rows between page loads; dates are formatted in a request context of their own,
    so no context stays pushed while the test client serves pages."""

    def __init__(self, app):
        self.app = app

    def dual(self, day, lang="ar"):
        from flask import session

        from domain.dates import format_dual

        with self.app.test_request_context():
            session["lang"] = lang
            return format_dual(day)

    def due(self, service_code):
        with self.app.test_request_context():
            return expected_due(service_code)


@pytest.fixture
def data(app):
    """Queries connect on their own; each page load closes the connection after itself."""
    yield Data(app)
    if not models.db.is_closed():
        models.db.close()


GATEWAY_SECRET = "gateway-test-secret"


@pytest.fixture
def gateway(app, monkeypatch):
    """A real HTTP server on the loopback as the SMS gateway, with the app's SMS sent to it."""
    with Gateway() as server:
        monkeypatch.setitem(app.config, "SMS_ADAPTER", "gateway")
        monkeypatch.setitem(app.config, "SMS_GATEWAY_URL", server.url)
        monkeypatch.setitem(app.config, "SMS_GATEWAY_SECRET", GATEWAY_SECRET)
        monkeypatch.setitem(app.config, "SMS_GATEWAY_TIMEOUT", 5)
        server.secret = GATEWAY_SECRET
        yield server


@pytest.fixture
def real_queue(app, tmp_path):
    """The queue as production has it (a SQLite file, tasks left for a worker), not immediate."""
    from huey.storage import SqliteStorage

    import worker

    worker.huey.configure(SqliteStorage, False, filename=str(tmp_path / "huey.db"))
    yield worker.huey
    worker.init_app(app)
