"""«تسجيل مستخدم جديد»: an account by the ID, date of birth and phone of the register, a code, a password."""

import models
from domain.identity import national_id_problem
from tests.helpers.accounts import DEMO, latest_code, sign_in
from tests.helpers.database import run_in
from tests.helpers.pages import assert_well_formed

PASSWORD = "نخلة-الرياض-2027"
# The demo register's people with no account (domain/demo.py).
REEM = {
    "national_id": "1080000001",
    "calendar": "hijri",
    "day": "12",
    "month": "3",
    "year": "1415",
    "phone": "0500000101",
}
IQBAL = {"national_id": "2080000009", "calendar": "gregorian", "day": "21", "month": "3", "year": "1988"}
IQBAL_PHONE = "0500000103"
# Passes the check digit, is in no register.
UNKNOWN_ID = next(f"10000002{n:02d}" for n in range(100) if national_id_problem(f"10000002{n:02d}") is None)
ATTACKER = {"REMOTE_ADDR": "198.51.100.9"}


def details(person, **changes):
    values = dict(person, **changes)
    return {
        "national_id": values["national_id"],
        "calendar": values["calendar"],
        "birth_day": values["day"],
        "birth_month": values["month"],
        "birth_year": values["year"],
        "phone": values.get("phone", ""),
    }


def ask(client, values):
    page = client.submit("/register", values)
    assert page.status == 303, page.text
    assert page.response.headers["Location"].endswith("/register/password")
    return client.page("/register/password")


def sms_to(app, phone):
    return run_in(
        app,
        lambda: [
            m.body
            for m in models.OutboxMessage.select()
            .where((models.OutboxMessage.recipient == phone) & (models.OutboxMessage.channel == "sms"))
            .order_by(models.OutboxMessage.id)
        ],
    )


def main_text(page):
    return page.one("main").get_text(" ", strip=True)


def test_sign_in_links_to_registration_whose_page_is_well_formed(client):
    login = client.page("/login")
    assert login.one('a[href="/register"]').text == "تسجيل مستخدم جديد"
    page = client.page("/register")
    assert page.status == 200
    assert_well_formed(page)
    assert page.one("h1").text == "تسجيل مستخدم جديد"
    assert page.one("#calendar-hijri").has_attr("checked")
    legends = [legend.text.strip() for legend in page.select("legend")]
    assert legends == ["تقويم تاريخ الميلاد", "تاريخ الميلاد"]
    # The demo hint names the people who can register, as the demo accounts are named.
    hint = page.one("#demo-people-title").parent.get_text(" ", strip=True)
    assert "1080000001" in hint and "0500000101" in hint and "1415" in hint and "2080000009" in hint
    assert DEMO["citizen"] not in hint


def test_a_person_of_the_register_opens_an_account_and_signs_in(app, client, make_client):
    page = ask(client, details(REEM))
    assert "******0101" in page.text
    assert_well_formed(page)
    code = run_in(app, lambda: latest_code(REEM["phone"]))
    done = client.submit("/register/password", {"code": code, "password": PASSWORD, "confirm": PASSWORD})
    assert done.status == 303 and done.response.headers["Location"].endswith("/login")
    assert "حسابك جاهز" in client.page("/login").one(".flashes").text
    user = run_in(app, lambda: models.User.get(models.User.national_id == REEM["national_id"]))
    assert (user.role, user.name_ar, user.phone, user.active) == (
        "beneficiary",
        "ريم عبدالعزيز الحربي",
        "0500000101",
        True,
    )
    assert user.password_hash.startswith("$argon2")
    signed_in = sign_in(make_client(), REEM["national_id"], password=PASSWORD)
    assert signed_in.page("/").status == 200
    # Once registered, the demo hint no longer offers the person.
    assert REEM["national_id"] not in make_client().page("/register").text


def test_a_gregorian_date_arabic_digits_and_an_international_phone_are_read(app, client):
    values = details(IQBAL, day="٢١", month="٣", year="١٩٨٨", phone="+966 50 000 0103")
    values["national_id"] = "٢٠٨٠٠٠٠٠٠٩"
    ask(client, values)
    code = run_in(app, lambda: latest_code(IQBAL_PHONE))
    done = client.submit("/register/password", {"code": code, "password": PASSWORD, "confirm": PASSWORD})
    assert done.status == 303
    assert run_in(app, lambda: models.User.get(models.User.national_id == IQBAL["national_id"]).name_en) == (
        "Mohammed Iqbal Khan"
    )


def test_the_same_day_in_the_other_calendar_matches(app, client):
    # 12 Rabi al-Awwal 1415 AH is 19 August 1994.
    ask(client, details(REEM, calendar="gregorian", year="1994", month="8", day="19"))
    assert len(sms_to(app, REEM["phone"])) == 1


def test_the_answer_never_says_which_detail_was_wrong_nor_whether_the_id_exists(app, make_client):
    cases = {
        "right": details(REEM),
        "birth": details(REEM, day="13"),
        "phone": details(REEM, phone="0500000199"),
        "unknown": details(REEM, national_id=UNKNOWN_ID),
        "registered": details(REEM, national_id=DEMO["citizen"]),
    }
    pages = {name: ask(make_client(), values) for name, values in cases.items()}
    texts = {name: main_text(page).replace("0199", "0101") for name, page in pages.items()}
    assert len(set(texts.values())) == 1, texts
    # Only the matching details got a code, to the register's phone.
    assert len(sms_to(app, REEM["phone"])) == 1 and sms_to(app, "0500000199") == []


def test_a_wrong_code_is_answered_alike_then_starts_over(make_client):
    for values in (details(REEM), details(REEM, day="13")):
        client = make_client()
        ask(client, values)
        wrong = {"code": "000000", "password": PASSWORD, "confirm": PASSWORD}
        answers = [client.submit("/register/password", wrong) for _ in range(3)]
        assert [page.status for page in answers[:2]] == [422, 422]
        assert "رمز التحقق غير صحيح" in answers[0].one("#code-error").text
        assert not answers[0].one("#password").get("value")
        assert "expired=1" in answers[2].response.headers["Location"]
        assert "انتهت صلاحية الرمز" in client.page(answers[2].response.headers["Location"]).text


def test_an_already_registered_id_warns_its_owner_once_and_opens_nothing(app, make_client):
    citizen = details(REEM, national_id=DEMO["citizen"], phone="0500000008")
    for _ in range(2):
        ask(make_client(), citizen)
    warnings = [body for body in sms_to(app, "0500000008") if "تسجيل حساب جديد" in body]
    assert len(warnings) == 1
    assert run_in(app, lambda: models.RegistrationChallenge.select().count()) == 0


def test_bad_input_is_refused_at_its_field_and_keeps_what_was_typed(client):
    cases = [
        (dict(national_id="1080000002"), "#national_id-error", "غير صحيح"),
        (dict(day="", month="", year=""), "#birth_day-error", "اليوم والشهر والسنة"),
        (dict(month="13"), "#birth_day-error", "تاريخ ميلاد صحيحًا"),
        (dict(year="1500", month="12", day="1"), "#birth_day-error", "في الماضي"),
        (dict(phone="0400000101"), "#phone-error", "رقم جوال سعوديًا"),
    ]
    for change, error_id, message in cases:
        values = details(REEM, **change)
        page = client.submit("/register", values)
        assert page.status == 422, change
        assert message in page.one(error_id).text
        assert page.one(".error-summary a")["href"] in ("#national_id", "#birth_day", "#phone")
        for name in ("national_id", "birth_day", "birth_month", "birth_year", "phone"):
            assert page.one(f"#{name}").get("value", "") == values[name]
        assert page.one(f"#calendar-{values['calendar']}").has_attr("checked")
        assert_well_formed(page)


def test_a_weak_password_is_refused_and_not_kept(app, client):
    ask(client, details(REEM))
    code = run_in(app, lambda: latest_code(REEM["phone"]))
    for password, message in [("short1", "8 أحرف"), ("password123", "سهلة التخمين"), ("x1080000001y", "رقم هويتك")]:
        page = client.submit("/register/password", {"code": code, "password": password, "confirm": password})
        assert page.status == 422
        assert message in page.one("#password-error").text
        assert not page.one("#password").get("value") and not page.one("#code").get("value")
    done = client.submit("/register/password", {"code": code, "password": PASSWORD, "confirm": PASSWORD})
    assert done.status == 303


def test_registration_counts_on_the_sign_in_throttle(client, make_client):
    for _ in range(5):
        make_client().submit("/login", {"national_id": REEM["national_id"], "password": "wrong"}, environ_base=ATTACKER)
    page = client.submit("/register", details(REEM), environ_base=ATTACKER)
    assert page.status == 429
    assert 0 < int(page.response.headers["Retry-After"]) <= 30
    assert "محاولات كثيرة" in page.one(".error-summary").text
    assert page.one("#phone")["value"] == REEM["phone"]


def test_codes_for_one_id_are_limited_whoever_asks(app, make_client):
    statuses = [make_client().submit("/register", details(REEM, day="13")).status for _ in range(4)]
    assert statuses == [303, 303, 303, 429]
    page = make_client().submit("/register", details(REEM))
    assert page.status == 429 and "حاول مرة أخرى" in page.one(".error-summary").text
    assert sms_to(app, REEM["phone"]) == []
    # Another person is not slowed.
    ask(make_client(), details(IQBAL, phone=IQBAL_PHONE))


def test_signed_in_people_and_strays_are_sent_on(citizen, client):
    assert citizen.get("/register").status_code == 302
    stray = client.get("/register/password")
    assert stray.status_code == 303 and stray.headers["Location"].endswith("/register")


def test_the_pages_speak_english(client):
    client.submit("/language", {"lang": "en", "next": "/"})
    page = client.page("/register")
    assert page.one("h1").text == "Register as a new user"
    assert "Reem Abdulaziz Alharbi" in page.text
    refused = client.submit("/register", details(REEM, phone="12"))
    assert "Enter a Saudi mobile number" in refused.one("#phone-error").text
    assert_well_formed(refused)
