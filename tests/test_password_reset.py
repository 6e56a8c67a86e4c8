"""«نسيت كلمة المرور»: an ID, a code to the registered phone, a new password; sessions end; no ID revealed."""

from domain.identity import national_id_problem
from tests.helpers.accounts import DEMO, latest_code, sign_in
from tests.helpers.database import run_in

NEW_PASSWORD = "نخلة-الرياض-2027"
# Passes the check digit, belongs to no account.
UNKNOWN_ID = next(f"10000001{n:02d}" for n in range(100) if national_id_problem(f"10000001{n:02d}") is None)


def ask(client, national_id):
    page = client.submit("/password/forgot", {"national_id": national_id})
    assert page.status == 303 and page.response.headers["Location"].endswith("/password/new")
    return client.page("/password/new")


def test_a_forgotten_password_is_replaced_and_every_old_session_ends(app, client, make_client):
    elsewhere = make_client("citizen")
    form_page = ask(client, DEMO["citizen"])
    code = run_in(app, lambda: latest_code("0500000008"))
    page = client.submit("/password/new", {"code": code, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert page.status == 303 and page.response.headers["Location"].endswith("/login")
    assert "كلمة المرور الجديدة" in client.page("/login").one(".flashes").text
    assert elsewhere.get("/notifications").status_code == 302  # signed out on the other browser
    assert make_client().submit("/login", {"national_id": DEMO["citizen"], "password": "demo1234"}).status == 401
    sign_in(make_client(), DEMO["citizen"], password=NEW_PASSWORD)
    assert form_page.status == 200


def test_an_unknown_id_looks_exactly_like_a_known_one(client, make_client):
    known = ask(make_client(), DEMO["citizen"])
    unknown = ask(client, UNKNOWN_ID)
    strip = lambda page: page.one("main").get_text(" ", strip=True)  # noqa: E731
    assert strip(known) == strip(unknown)
    wrong = {"code": "123456", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    answers = [client.submit("/password/new", wrong) for _ in range(3)]
    assert [page.status for page in answers[:2]] == [422, 422]
    assert "رمز التحقق غير صحيح" in answers[0].one("#code-error").text
    assert "expired=1" in answers[2].response.headers["Location"]


def test_a_weak_new_password_is_refused_at_the_field(app, client):
    ask(client, DEMO["citizen"])
    code = run_in(app, lambda: latest_code("0500000008"))
    for password, message in [
        ("short1", "8 أحرف"),
        ("password123", "سهلة التخمين"),
        (f"x{DEMO['citizen']}y", "رقم هويتك"),
    ]:
        page = client.submit("/password/new", {"code": code, "password": password, "confirm": password})
        assert page.status == 422
        assert message in page.one("#password-error").text
    page = client.submit("/password/new", {"code": code, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert "غير متطابقتين" in page.one("#confirm-error").text
