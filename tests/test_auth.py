"""Signing in with ID, password and SMS code; throttling; signing out."""

from datetime import timedelta

import models
from tests.helpers.accounts import DEMO, PASSWORD, latest_code, sign_in
from tests.helpers.database import run_in


def test_sign_in_with_password_and_code_reaches_the_home_page(client):
    page = client.submit("/login", {"national_id": DEMO["citizen"], "password": PASSWORD})
    assert page.status == 303
    assert page.response.headers["Location"].endswith("/login/code")
    verify = client.page("/login/code")
    assert "******0008" in verify.text
    code = run_in(client.application, lambda: latest_code("0500000008"))
    page = client.submit("/login/code", {"code": code})
    assert page.status == 303
    home = client.page("/")
    assert "عبدالله محمد العتيبي" in home.text
    assert home.select('a[href="/services"]')


def test_code_typed_in_arabic_indic_digits_is_accepted(client):
    client.submit("/login", {"national_id": "١٠٠٠٠٠٠٠٠٨", "password": PASSWORD})
    code = run_in(client.application, lambda: latest_code("0500000008"))
    arabic_code = code.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert client.submit("/login/code", {"code": arabic_code}).status == 303


def test_wrong_password_keeps_the_id_and_explains(client):
    page = client.submit("/login", {"national_id": DEMO["citizen"], "password": "wrong"})
    assert page.status == 401
    assert "رقم الهوية أو كلمة المرور غير صحيحة" in page.text
    assert page.one("#national_id")["value"] == DEMO["citizen"]
    assert page.one("#password").get("value", "") == ""
    assert page.soup.title.text.startswith("خطأ:")


def test_invalid_id_is_reported_at_the_field(client):
    page = client.submit("/login", {"national_id": "1000000009", "password": PASSWORD})
    assert page.status == 422
    assert "رقم الهوية أو الإقامة غير صحيح" in page.one("#national_id-error").text
    assert page.one(".error-summary a")["href"] == "#national_id"
    assert page.one("#national_id")["aria-describedby"].endswith("national_id-error")


def test_wrong_codes_use_up_the_code(client):
    client.submit("/login", {"national_id": DEMO["citizen"], "password": PASSWORD})
    wrong = run_in(client.application, lambda: "000000" if latest_code("0500000008") != "000000" else "111111")
    # Three tries (OTP_MAX_ATTEMPTS): the first two are told the code is wrong, the third spends it.
    for _ in range(2):
        page = client.submit("/login/code", {"code": wrong})
        assert page.status == 422
        assert "رمز التحقق غير صحيح" in page.one("#code-error").text
    page = client.submit("/login/code", {"code": wrong})
    assert page.status == 303
    assert "expired=1" in page.response.headers["Location"]
    # The right code no longer works once the attempts are spent.
    code = run_in(client.application, lambda: latest_code("0500000008"))
    page = client.submit("/login/code", {"code": code})
    assert "/login" in page.response.headers["Location"]
    assert "/login/code" not in page.response.headers["Location"]


def test_resending_replaces_the_code(client, app):
    client.submit("/login", {"national_id": DEMO["citizen"], "password": PASSWORD})
    with app.app_context(), models.db.connection_context():
        old = latest_code("0500000008")
        # Pretend the first code was sent a minute ago.
        models.LoginChallenge.update(created_at=models.utcnow() - timedelta(minutes=1)).execute()
    assert client.submit("/login/code/resend").response.headers["Location"].endswith("resent=1")
    with app.app_context(), models.db.connection_context():
        new = latest_code("0500000008")
        challenges = list(models.LoginChallenge.select().order_by(models.LoginChallenge.id))
    assert len(challenges) == 2 and challenges[0].used and not challenges[1].used
    # The first code is spent: even if the new one happened to be the same digits, only the new challenge counts.
    if old != new:
        assert client.submit("/login/code", {"code": old}).status == 422
    assert client.submit("/login/code", {"code": new}).status == 303


def test_sign_out_revokes_the_session_on_the_server(client):
    sign_in(client, DEMO["citizen"])
    cookie = client.get_cookie("session").value
    client.submit("/logout")
    assert client.page("/services").status == 302
    # A copy of the old cookie no longer works either.
    client.set_cookie("session", cookie)
    page = client.page("/services")
    assert page.status == 302
    assert "/login" in page.response.headers["Location"]


def test_each_role_lands_on_its_own_page(make_client):
    expected = {
        "citizen": "/",
        "agent": "/sector/inbox",
        "desk": "/desk",
        "officer": "/officer/deliveries",
        "admin": "/admin/",
    }
    for role, path in expected.items():
        client = make_client()
        client.submit("/login", {"national_id": DEMO[role], "password": PASSWORD})
        with client.application.app_context():
            phone = models.User.get(models.User.national_id == DEMO[role]).phone
            code = latest_code(phone)
        page = client.submit("/login/code", {"code": code})
        assert page.response.headers["Location"] == path, role


def test_next_page_is_kept_through_sign_in(client):
    page = client.page("/services/general")
    assert page.status == 302
    client.page(page.response.headers["Location"])
    client.submit("/login", {"national_id": DEMO["citizen"], "password": PASSWORD})
    code = run_in(client.application, lambda: latest_code("0500000008"))
    page = client.submit("/login/code", {"code": code})
    assert page.response.headers["Location"] == "/services/general"


def test_next_page_cannot_point_to_another_site(client):
    client.page("/login?next=//evil.example/")
    client.submit("/login", {"national_id": DEMO["citizen"], "password": PASSWORD})
    code = run_in(client.application, lambda: latest_code("0500000008"))
    page = client.submit("/login/code", {"code": code})
    assert page.response.headers["Location"] == "/"
