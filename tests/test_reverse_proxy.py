"""Two app servers (gunicorn, as make serve runs them) on one database behind a real nginx with deploy/nginx.conf."""

import threading

import pytest

import models
from bench.client import Browser, form_fields
from bench.servers import free_port, nginx_binary, start_gunicorn, start_nginx, stop, stop_nginx
from domain.accounts import hash_password
from tests.helpers.accounts import DEMO, PASSWORD, latest_code
from tests.helpers.appointments import CHOICE, book_url, next_open_day, service, valid_id

pytestmark = pytest.mark.skipif(
    nginx_binary() is None, reason="nginx is not installed (make system-deps-test installs nginx-light)"
)

BOOKERS = 20


@pytest.fixture(scope="module")
def servers(base_app, database_url):
    """{"nginx": URL, "apps": [URL, URL]}: two app servers trusting one proxy hop, nginx in front."""
    env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": base_app.config["SECRET_KEY"],
        "TRUSTED_PROXY_HOPS": "1",
    }
    ports, apps, proxy, prefix = [free_port(), free_port()], [], None, None
    try:
        for port in ports:
            apps.append(start_gunicorn(port, env, workers=1, threads=8))
        proxy, nginx_port, prefix = start_nginx(ports)
        yield {"nginx": f"http://127.0.0.1:{nginx_port}", "apps": [f"http://127.0.0.1:{port}" for port in ports]}
    finally:
        stop_nginx(proxy, prefix)
        for process in apps:
            stop(process)


def code_reader(in_app):
    # The two servers run without a worker: the code is read as it was written, still pending.
    def read(national_id):
        phone = in_app(lambda: models.User.get(models.User.national_id == national_id).phone)
        return in_app(lambda: latest_code(phone, delivered=False))

    return read


def test_a_session_made_through_one_server_works_on_the_other(app, servers, in_app):
    browser = Browser(servers["nginx"]).sign_in(DEMO["citizen"], PASSWORD, code_reader(in_app))
    for _ in range(6):  # nginx hands the requests to the two servers in turn
        page = browser.get("/messages")
        assert page.status == 200 and "/logout" in page.text
    for server in servers["apps"]:
        direct = Browser(server)
        direct.cookies = dict(browser.cookies)
        page = direct.get("/messages")
        assert page.status == 200 and "/logout" in page.text
    assert Browser(servers["nginx"]).get("/messages").status in (302, 303)  # and without the cookie, not


def test_static_files_come_from_nginx_with_a_long_cache(servers):
    browser = Browser(servers["nginx"])
    htmx = browser.get("/static/vendor/htmx.min.js", headers={"Accept-Encoding": "gzip"})
    assert htmx.status == 200
    assert htmx.header("server").startswith("nginx")
    assert "max-age=315360000" in htmx.header("cache-control") and "immutable" in htmx.header("cache-control")
    assert htmx.header("content-encoding") == "gzip"
    css = browser.get("/static/css/site.css")
    assert css.status == 200 and "max-age=315360000" in css.header("cache-control")
    assert "immutable" not in css.header("cache-control")


def test_the_app_sees_the_address_nginx_saw_not_a_forged_one(app, servers, in_app):
    browser = Browser(servers["nginx"])
    token = browser.csrf_token("/login")
    wrong = {"csrf_token": token, "national_id": DEMO["resident"], "password": "not-the-password"}
    answer = browser.post("/login", wrong, headers={"X-Forwarded-For": "203.0.113.7"})
    assert answer.status == 401
    keys = in_app(lambda: {row.key for row in models.SignInThrottle.select()})
    assert "address:127.0.0.1" in keys
    assert not any("203.0.113.7" in key for key in keys)
    # The app believes one hop: whoever reaches it without nginx could claim any address,
    # which is why the app servers listen on loopback (or a private network) only.
    direct = Browser(servers["apps"][0])
    wrong["csrf_token"] = direct.csrf_token("/login")
    assert direct.post("/login", wrong, headers={"X-Forwarded-For": "203.0.113.7"}).status == 401
    assert "address:203.0.113.7" in in_app(lambda: {row.key for row in models.SignInThrottle.select()})


def test_nginx_refuses_a_body_over_the_apps_limit(servers):
    answer = Browser(servers["nginx"]).post("/messages/new", {"body": "x" * (51 * 1024 * 1024)})
    assert answer.status == 413


def test_concurrent_bookers_across_both_servers_never_exceed_the_seats(app, servers, in_app):
    def make_people():
        hashed = hash_password(PASSWORD)
        return [
            models.User.create(
                national_id=valid_id(70000 + n),
                name_ar=f"مراجع {n}",
                name_en=f"Visitor {n}",
                phone=f"0557{n:06d}",
                password_hash=hashed,
            ).national_id
            for n in range(BOOKERS)
        ]

    people = in_app(make_people)
    day, capacity = in_app(lambda: (next_open_day(after=2), service(CHOICE["service"]).slot_capacity))
    read = code_reader(in_app)
    forms, answers = [], []
    for national_id in people:
        browser = Browser(servers["nginx"]).sign_in(national_id, PASSWORD, read)
        review = browser.get(book_url(**CHOICE, date=day.isoformat(), time="10:00", review=1))
        assert review.status == 200
        forms.append((browser, form_fields(review.text, "/appointments/book")))
    start = threading.Barrier(BOOKERS)

    def book(browser, values):
        start.wait()
        answers.append(browser.post("/appointments/book", values).status)

    threads = [threading.Thread(target=book, args=pair) for pair in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [303] * capacity + [409] * (BOOKERS - capacity)

    def seats():
        slot = models.Slot.get(
            (models.Slot.date == day)
            & (models.Slot.start == "10:00")
            & (models.Slot.service == service(CHOICE["service"]))
        )
        return slot.taken, models.Appointment.select().where(models.Appointment.slot == slot).count()

    assert in_app(seats) == (capacity, capacity)
