"""Sign-in that slows guessing without locking anyone else out, counted atomically, with sessions that end."""

from datetime import UTC, datetime, timedelta

import time_machine

import models
from domain import accounts
from tests.helpers.accounts import DEMO, PASSWORD, latest_code
from tests.helpers.concurrency import race
from tests.helpers.database import run_in


def now_utc():
    return datetime.now(UTC)


ATTACKER = {"REMOTE_ADDR": "198.51.100.9"}
OWNER = {"REMOTE_ADDR": "203.0.113.20"}


def wrong_passwords(client, national_id, times, address=ATTACKER):
    return [
        client.submit("/login", {"national_id": national_id, "password": "wrong"}, environ_base=address).status
        for _ in range(times)
    ]


def sms_to(app, phone):
    return run_in(
        app,
        lambda: [
            m.body
            for m in models.OutboxMessage.select().where(
                (models.OutboxMessage.recipient == phone) & (models.OutboxMessage.channel == "sms")
            )
        ],
    )


def test_wrong_passwords_for_one_id_never_refuse_another_id(client, make_client):
    assert wrong_passwords(client, DEMO["resident"], 12) == [401] * 5 + [429] * 7
    other = make_client()
    page = other.submit("/login", {"national_id": DEMO["citizen"], "password": PASSWORD}, environ_base=ATTACKER)
    assert page.status == 303
    assert page.response.headers["Location"].endswith("/login/code")


def test_a_guessed_id_is_paced_and_says_how_long_to_wait(client):
    wrong_passwords(client, DEMO["citizen"], 5)
    page = client.submit("/login", {"national_id": DEMO["citizen"], "password": "wrong"}, environ_base=ATTACKER)
    assert page.status == 429
    assert 0 < int(page.response.headers["Retry-After"]) <= 30
    assert "محاولات كثيرة" in page.one(".error-summary").text
    assert "ثانية" in page.one(".error-summary").text
    # The ID typed is kept; the password is not.
    assert page.one("#national_id")["value"] == DEMO["citizen"]
    assert not page.one("#password").get("value")


def test_the_owner_still_gets_in_with_password_and_code_while_their_id_is_attacked(app, client, make_client):
    wrong_passwords(client, DEMO["citizen"], 15)
    owner = make_client()
    page = owner.submit("/login", {"national_id": DEMO["citizen"], "password": PASSWORD}, environ_base=OWNER)
    assert page.status == 303
    code = run_in(app, lambda: latest_code("0500000008"))
    page = owner.submit("/login/code", {"code": code}, environ_base=OWNER)
    assert page.status == 303
    assert owner.page("/notifications").status == 200


def test_the_owner_is_told_once_by_sms_when_their_id_gets_wrong_passwords(app, client):
    before = len(sms_to(app, "0500000008"))
    wrong_passwords(client, DEMO["citizen"], 4)
    assert len(sms_to(app, "0500000008")) == before
    wrong_passwords(client, DEMO["citizen"], 1)
    wrong_passwords(client, DEMO["citizen"], 3, address=OWNER)
    warnings = sms_to(app, "0500000008")[before:]
    assert len(warnings) == 1
    assert "كلمات مرور خاطئة" in warnings[0]


def test_a_shared_address_is_slowed_not_closed(app, make_client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_FREE_ATTEMPTS", 10)
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_WAIT_SECONDS", 2)
    sprayer = make_client()
    for n in range(10):
        sprayer.submit("/login", {"national_id": DEMO["resident"], "password": f"wrong{n}"}, environ_base=ATTACKER)
    neighbour = make_client()
    page = neighbour.submit("/login", {"national_id": DEMO["citizen"], "password": PASSWORD}, environ_base=ATTACKER)
    assert page.status == 429
    assert int(page.response.headers["Retry-After"]) <= 2
    with time_machine.travel(now_utc() + timedelta(seconds=3)):
        page = neighbour.submit("/login", {"national_id": DEMO["citizen"], "password": PASSWORD}, environ_base=ATTACKER)
    assert page.status == 303


def test_right_passwords_do_not_use_up_a_shared_address(app, make_client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_FREE_ATTEMPTS", 3)
    for national_id in DEMO.values():
        page = make_client().submit("/login", {"national_id": national_id, "password": PASSWORD}, environ_base=ATTACKER)
        assert page.status == 303


def test_fifty_parallel_password_attempts_check_only_the_free_ones(app):
    attempt = lambda: run_attempt(app)  # noqa: E731
    results = race(app, [attempt] * 50)
    assert [kind for kind, _ in results].count("error") == 0, results
    admitted = [seconds for _, seconds in results if seconds == 0]
    assert len(admitted) == app.config["LOGIN_FREE_ATTEMPTS"]


def run_attempt(app):
    return accounts.admit_password(DEMO["citizen"], "192.0.2.1")


def test_five_parallel_codes_spend_no_more_than_the_code_allows(app, client):
    client.submit("/login", {"national_id": DEMO["citizen"], "password": PASSWORD})
    challenge = run_in(app, lambda: models.LoginChallenge.select().order_by(models.LoginChallenge.id.desc()).first())
    results = race(app, [lambda: accounts.check_code(challenge, "999999x")] * 5)
    assert [kind for kind, _ in results] == ["done"] * 5
    attempts = run_in(app, lambda: models.LoginChallenge.get_by_id(challenge.id).attempts)
    assert attempts == app.config["OTP_MAX_ATTEMPTS"]


def test_a_right_code_sent_twice_at_once_signs_in_once(app, client):
    client.submit("/login", {"national_id": DEMO["citizen"], "password": PASSWORD})
    challenge = run_in(app, lambda: models.LoginChallenge.select().order_by(models.LoginChallenge.id.desc()).first())
    code = run_in(app, lambda: latest_code("0500000008"))
    results = race(app, [lambda: accounts.check_code(challenge, code)] * 4)
    assert sorted(result for _, result in results) == [False, False, False, True]


def test_an_idle_staff_session_ends_on_the_server(app, make_client):
    agent = make_client("agent")
    with time_machine.travel(now_utc() + timedelta(minutes=29)):
        assert agent.page("/sector/inbox").status == 200
    with time_machine.travel(now_utc() + timedelta(minutes=29 + 31)):
        page = agent.get("/sector/inbox")
    assert page.status_code == 302 and "/login" in page.headers["Location"]


def test_a_beneficiary_session_stays_for_an_hour_of_idleness_and_ends_after_twelve_hours(app, make_client):
    citizen = make_client("citizen")
    start = now_utc()
    for visit in range(1, 15):  # every 50 minutes, up to 11 h 40
        with time_machine.travel(start + visit * timedelta(minutes=50)):
            assert citizen.page("/notifications").status == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=5)):
        page = citizen.get("/notifications")
    assert page.status_code == 302


def test_deactivating_an_account_ends_its_sessions_and_refuses_its_password(app, make_client):
    agent = make_client("agent")
    run_in(app, lambda: accounts.deactivate(models.User.get(models.User.national_id == DEMO["agent"])))
    assert agent.get("/sector/inbox").status_code == 302
    page = make_client().submit("/login", {"national_id": DEMO["agent"], "password": PASSWORD})
    assert page.status == 401


def test_signing_in_again_after_pacing_works(app, client):
    wrong_passwords(client, DEMO["citizen"], 6)
    with time_machine.travel(now_utc() + timedelta(seconds=31)):
        page = client.submit("/login", {"national_id": DEMO["citizen"], "password": PASSWORD}, environ_base=ATTACKER)
    assert page.status == 303
