"""Serving: pooled connections, health checks that need no database, the signed-in person in one query."""

import logging

import pytest

import models
from app import create_app
from domain.notifier import notify
from tests.helpers.accounts import DEMO
from tests.helpers.database import bind_suite_database

UNREACHABLE = {
    "sqlite": "sqlite:////nonexistent-folder/tawasul.db",
    "postgresql": "postgresql://postgres@127.0.0.1:9/test?connect_timeout=2",
}


@pytest.fixture
def app_without_database(request, base_app, tmp_path):
    """An app whose database cannot be reached; the suite's database is bound again afterwards."""
    broken = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": UNREACHABLE[request.param]})
    yield broken
    bind_suite_database(base_app)


@pytest.mark.parametrize("app_without_database", list(UNREACHABLE), indirect=True)
def test_static_files_and_healthz_answer_when_the_database_cannot(app_without_database):
    client = app_without_database.test_client()
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_data(as_text=True) == "ok\n"
    assert client.get("/static/css/site.css").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503 and "database" in ready.get_data(as_text=True)


def test_readyz_answers_when_the_database_does(client):
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_data(as_text=True) == "ready\n"


def test_connections_are_kept_and_handed_from_request_to_request(app):
    """One connection serves request after request instead of a new one (and a handshake) each time."""
    seen = []
    for _ in range(3):
        with app.app_context(), models.db.connection_context():
            if models.is_sqlite():
                seen.append(models.db.connection())  # kept alive, so a new one could not reuse its id
            else:
                seen.append(models.db.execute_sql("SELECT pg_backend_pid()").fetchone()[0])
    assert all(connection == seen[0] for connection in seen)


class StatementLog(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.statements = []

    def emit(self, record):
        self.statements.append(str(record.msg[0]) if isinstance(record.msg, tuple) else record.getMessage())


@pytest.fixture
def statements():
    logger = logging.getLogger("peewee")
    handler, level = StatementLog(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler.statements
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_the_person_and_the_unread_count_come_in_one_query(citizen, in_app, statements):
    def tell_twice():
        person = models.User.get(models.User.national_id == DEMO["citizen"])
        notify(person, "أول")
        notify(person, "ثانٍ")

    in_app(tell_twice)
    statements.clear()
    home = citizen.page("/")
    assert home.one("header .badge").get_text(" ", strip=True).startswith("2")
    counting = [sql for sql in statements if "notification" in sql.lower()]
    assert len(counting) == 1 and "usersession" in counting[0].lower()
    # Looking changes nothing; marking them read clears the count.
    page = citizen.page("/notifications")
    assert page.one("header .badge").get_text(" ", strip=True).startswith("2")
    form = page.one('form[action="/notifications/read"]')
    assert citizen.submit(form["action"], page.form_values(form)).status == 303
    assert not citizen.page("/").select("header .badge")


@pytest.fixture
def app_behind(request, app):
    """The suite's app as configured behind ``request.param`` trusted proxies (same database)."""
    config = dict(app.config, TRUSTED_PROXY_HOPS=request.param)
    behind = create_app(config)
    behind.test_client_class = app.test_client_class
    yield behind
    bind_suite_database(app)


@pytest.mark.parametrize(
    "app_behind, address",
    [(0, "127.0.0.1"), (1, "203.0.113.7")],
    indirect=["app_behind"],
    ids=["no-proxy-believed", "one-proxy"],
)
def test_the_client_address_is_taken_from_trusted_proxies_only(app_behind, address, in_app):
    client = app_behind.test_client()
    forged = {"X-Forwarded-For": "198.51.100.1, 203.0.113.7"}
    client.submit("/login", {"national_id": DEMO["citizen"], "password": "wrong"}, headers=forged)
    keys = in_app(lambda: {row.key for row in models.SignInThrottle.select()})
    assert f"address:{address}" in keys
    assert "address:198.51.100.1" not in keys


REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_answers():
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.fixture
def app_with_queue(request, app, tmp_path):
    """The suite's app (same database) with a real queue instead of immediate tasks."""
    config = dict(app.config, HUEY_IMMEDIATE=False, HUEY_FILE=str(tmp_path / "huey.db"), REDIS_URL=request.param)
    yield create_app(config)
    bind_suite_database(app)


@pytest.mark.parametrize("app_with_queue", [""], indirect=True, ids=["sqlite"])
def test_the_embedded_queue_is_a_file_and_readyz_checks_it(app_with_queue, tmp_path):
    assert app_with_queue.extensions["huey"].storage.filename == str(tmp_path / "huey.db")
    ready = app_with_queue.test_client().get("/readyz")
    assert ready.status_code == 200 and ready.get_data(as_text=True) == "ready\n"
    assert (tmp_path / "huey.db").exists()


@pytest.mark.parametrize("app_with_queue", ["redis://127.0.0.1:9/0"], indirect=True, ids=["redis-down"])
def test_readyz_answers_503_while_the_queue_does_not(app_with_queue):
    ready = app_with_queue.test_client().get("/readyz")
    assert ready.status_code == 503 and ready.get_data(as_text=True) == "queue unavailable\n"


@pytest.mark.parametrize("app_with_queue", [REDIS_URL], indirect=True, ids=["redis"])
def test_redis_url_puts_the_queue_in_redis(app_with_queue):
    if not redis_answers():
        pytest.skip(f"no Redis server answers at {REDIS_URL}")
    from huey.storage import RedisStorage

    assert isinstance(app_with_queue.extensions["huey"].storage, RedisStorage)
    assert app_with_queue.test_client().get("/readyz").status_code == 200
