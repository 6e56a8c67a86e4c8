"""Actions that send SMS or fill staff queues are limited per account, in a store all servers share."""

import subprocess
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import redis
import time_machine

from app import create_app
from tests.helpers.accounts import DEMO
from tests.helpers.appointments import next_open_day, review_and_confirm
from tests.helpers.database import bind_suite_database
from tests.helpers.messaging import create_request, send_request
from views import limits

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_available():
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.mark.parametrize("htmx", [False, True], ids=["without-javascript", "with-htmx"])
def test_a_burst_of_new_requests_is_stopped_with_the_text_kept(citizen, make_client, htmx):
    for _ in range(3):
        assert send_request(citizen).status == 303
    page = send_request(citizen, htmx=htmx, subject="طلب رابع")
    assert page.status == 429
    assert "حاول مرة أخرى بعد" in page.one(".error-summary").text
    assert page.one("#subject")["value"] == "طلب رابع"
    # Another person is not slowed by it.
    assert send_request(make_client("resident")).status == 303


def test_a_burst_of_replies_is_stopped_and_says_how_long_to_wait(citizen):
    reference = create_request(citizen)
    page = citizen.page(f"/messages/{reference}")
    form = page.one('form[action$="/reply"]')
    answers = [
        citizen.submit(form["action"], dict(page.form_values(form), body=f"رد رقم {n}")).status for n in range(7)
    ]
    assert answers == [303] * 6 + [429]


def test_asking_again_and_again_for_a_code_is_stopped(app, client, in_app):
    client.submit("/login", {"national_id": DEMO["citizen"], "password": "demo1234"})
    start = datetime.now(UTC)
    answers = []
    for n in range(1, 5):
        with time_machine.travel(start + timedelta(seconds=31 * n)):
            answers.append(client.submit("/login/code/resend", {}).response.headers["Location"])
    assert [url.endswith("resent=1") for url in answers] == [True, True, True, False]
    with time_machine.travel(start + timedelta(seconds=31 * 4 + 1)):
        page = client.page("/login/code")
    assert "حاول مرة أخرى بعد" in page.one(".flashes").text


@pytest.mark.skipif(not redis_available(), reason="needs Redis at 127.0.0.1:6379")
def test_two_servers_sharing_redis_count_the_same_limit(app):
    prefix_config = dict(app.config, REDIS_URL=REDIS_URL)
    first, second = create_app(prefix_config), create_app(prefix_config)
    account = f"user:test-{uuid.uuid4()}"
    try:
        with first.test_request_context():
            assert [limits.wait_for("new_request", account) for _ in range(2)] == [0, 0]
        with second.test_request_context():
            assert limits.wait_for("new_request", account) == 0
            assert limits.wait_for("new_request", account) > 0  # the fourth, whichever server it reaches
    finally:
        bind_suite_database(app)


def test_make_serve_refuses_several_workers_without_redis():
    finished = subprocess.run(
        ["make", "--no-print-directory", "serve-settings", "WORKERS=2"],
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode != 0
    assert "set REDIS_URL" in finished.stderr


def test_booking_and_cancelling_over_and_over_is_stopped(citizen, in_app):
    day = in_app(next_open_day)
    answers = []
    for start in ("09:00", "09:15", "09:30", "09:45"):
        _page, values = review_and_confirm(citizen, day, start)
        done = citizen.submit("/appointments/book", values)
        answers.append(done.status)
        if done.status == 303:
            number = done.response.headers["Location"].rsplit("/", 1)[-1]
            assert citizen.submit(f"/appointments/{number}/cancel", {}).status == 303
        else:
            assert "حاول مرة أخرى بعد" in done.one(".flashes").text
    assert answers == [303, 303, 303, 429]
