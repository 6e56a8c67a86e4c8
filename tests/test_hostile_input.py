"""No input makes the portal fail: hostile values in every URL, query and form, as every role.

The first tests pin the causes a hostile audit found (each answered 500 before
``views/inputs.py``); the last ones walk ``app.url_map`` with Hypothesis,
putting huge and negative numbers, NUL, bidi overrides, files in text fields,
very long strings and odd dates into every URL variable, query parameter and
form field, with a valid CSRF token so the requests reach the views. Every
answer must be a page with a message, or a success; never a 5xx.
"""

import ast
import http.client
import io
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import models
from domain.dates import today
from domain.tokens import new_token
from tests.helpers.accounts import DEMO
from tests.helpers.addresses import ADDRESS
from tests.helpers.appointments import CHOICE, next_open_day, review_and_confirm
from tests.helpers.messaging import request_data
from tests.helpers.pages import Page

ROOT = Path(__file__).resolve().parent.parent
HUGE = "99999999999999999999"
EXPIRED = "This form has expired"


def english(client):
    client.submit("/language", {"lang": "en", "next": "/"})
    return client


def assert_page_with_message(page, status):
    """A whole page in the portal's own design: its language, one heading, the status expected."""
    assert page.status == status, page.text[:500]
    assert page.soup.find("html")["lang"] in ("ar", "en")
    assert len(page.select("h1")) == 1


# --- The causes the audit found ----------------------------------------------


def test_a_file_sent_for_a_text_field_is_an_empty_field(citizen):
    english(citizen)
    data = request_data(citizen)
    data["subject"] = (io.BytesIO(b"not text"), "subject.txt")
    page = citizen.submit("/messages/new", data, content_type="multipart/form-data")
    assert_page_with_message(page, 422)
    assert "Enter the subject." in page.text


def test_a_file_sent_for_the_id_at_sign_in_is_an_empty_id(client):
    english(client)
    data = {"national_id": (io.BytesIO(b"1000000008"), "id.txt"), "password": "demo1234"}
    page = client.submit("/login", data, content_type="multipart/form-data")
    assert_page_with_message(page, 422)
    assert "Enter your national ID or iqama number." in page.text


def test_a_file_sent_for_an_address_field_is_an_empty_field(citizen, in_app):
    english(citizen)
    document = in_app(lambda: models.Document.get(models.Document.user == user_id("citizen")).id)
    data = dict(ADDRESS, street=(io.BytesIO(b"street"), "street.txt"))
    page = citizen.submit(f"/delivery/request/{document}", data, content_type="multipart/form-data")
    assert_page_with_message(page, 422)
    assert "Enter the street name." in page.text


def user_id(role):
    return models.User.get(models.User.national_id == DEMO[role]).id


def test_text_sent_for_the_attachments_is_no_file(citizen, in_app):
    data = request_data(citizen, attachments="not a file")
    page = citizen.submit("/messages/new", data)
    assert page.status == 303
    assert in_app(lambda: models.Attachment.select().count()) == 0


def test_numbers_beyond_64_bits_in_addresses_are_not_found(citizen):
    for url in (f"/delivery/{HUGE}", f"/delivery/{2**63}/receipt.pdf", f"/delivery/request/{HUGE}"):
        assert_page_with_message(citizen.page(url), 404)
    assert citizen.page(f"/delivery/{2**63 - 1}").status == 404  # the largest id there can be: none such


def test_numbers_beyond_64_bits_in_queries_are_ignored(citizen, officer):
    page = citizen.page(f"/messages?page={HUGE}")
    assert page.status == 200
    page = officer.page(f"/officer/deliveries?after={HUGE}")
    assert page.status == 200
    assert page.one("h1")


def test_a_list_address_to_come_back_to_with_a_huge_cursor_is_ignored(officer, populated):
    page = officer.submit(
        f"/officer/deliveries/{populated['delivery']}/status",
        {"status": "nonsense", "next": f"/officer/deliveries?after={HUGE}"},
    )
    assert page.status == 422


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2077-11-17", "1924-07-31"])
def test_a_day_beyond_the_hijri_calendar_shows_today_at_the_desk(desk, data, day):
    page = desk.page(f"/desk?date={day}")
    assert page.status == 200
    assert data.dual(today()) in page.text


def test_the_day_s_slips_beyond_the_hijri_calendar_are_today_s(desk):
    started = desk.submit("/desk/print-jobs", {"date": "0001-01-01"})
    assert started.status == 303
    job = desk.page(started.response.headers["Location"])
    response = desk.get(job.one('a[href$="slips.pdf"]')["href"])
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert f"appointments-{today().isoformat()}.pdf" in response.headers["Content-Disposition"]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_the_officer_s_list_ignores_a_day_beyond_the_calendar(officer, populated, day):
    page = officer.page(f"/officer/deliveries?date={day}")
    assert page.status == 200
    assert page.select("input[name=date]")[0].get("value", "") == ""


def test_nul_and_bidi_controls_are_taken_out_of_what_is_typed(citizen, in_app):
    data = request_data(citizen, subject="\u202eجواز\x00 السفر\u2066", body="نص\x00 الطلب\u202a")
    page = citizen.submit("/messages/new", data)
    assert page.status == 303, page.text
    reference = page.response.headers["Location"].split("/")[2]
    row = in_app(lambda: models.ServiceRequest.get(models.ServiceRequest.reference == reference))
    assert (row.subject, row.body) == ("جواز السفر", "نص الطلب")


@pytest.mark.parametrize(
    "url",
    [
        "/appointments/book?sector=pass%00ports&service=%00&region=%E2%80%AE&branch=%00&date=%00",
        "/appointments/book?request=M1448-%00",
        "/messages/new?sector=%00",
    ],
)
def test_nul_in_booking_answers_is_an_unanswered_step(citizen, url):
    assert citizen.page(url).status in (200, 404, 422)


def test_nul_in_the_desk_s_and_the_officer_s_search_finds_nothing(desk, officer):
    assert desk.page("/desk?q=%00").status == 200
    assert desk.page("/desk?q=1000000008%00").status == 200
    assert officer.page("/officer/deliveries?q=%00RR").status == 200


def test_nul_in_a_submission_token_or_an_address_is_taken_out(citizen, in_app):
    document = in_app(lambda: models.Document.get(models.Document.user == user_id("citizen")).id)
    values = dict(ADDRESS, street="\x00" + ADDRESS["street"], submission_token="\x00" + new_token())
    page = citizen.submit(f"/delivery/request/{document}/confirm", values)
    assert page.status == 303, page.text
    assert in_app(lambda: models.Delivery.get(models.Delivery.document == document).street) == ADDRESS["street"]


def test_nul_in_a_url_variable_is_not_found(citizen, desk):
    assert_page_with_message(citizen.page("/appointments/A1448-%00"), 404)
    assert_page_with_message(desk.page("/desk/appointments/%E2%80%AEA1448-000001"), 404)


# A submission token another person's record holds: refused, a fresh token, nothing made.


def test_another_person_s_request_token_is_refused_with_a_fresh_one(citizen, resident, in_app):
    english(resident)
    data = request_data(citizen)
    token = data["submission_token"]
    assert citizen.submit("/messages/new", data).status == 303
    page = resident.submit("/messages/new", request_data(resident, submission_token=token))
    assert_page_with_message(page, 422)
    assert EXPIRED in page.text
    fresh = page.one('input[name="submission_token"]')["value"]
    assert fresh and fresh != token
    assert in_app(lambda: models.ServiceRequest.select().count()) == 1
    again = resident.submit("/messages/new", request_data(resident, submission_token=fresh))
    assert again.status == 303


def test_another_person_s_booking_token_is_refused_with_a_fresh_review(citizen, resident, in_app):
    english(resident)
    day = in_app(next_open_day)
    _, values = review_and_confirm(citizen, day, "09:00")
    assert citizen.submit("/appointments/book", values).status == 303
    _, theirs = review_and_confirm(resident, day, "09:30")
    theirs["token"] = values["token"]
    page = resident.submit("/appointments/book", theirs)
    assert page.status == 303
    review = resident.page(page.response.headers["Location"])
    assert review.status == 200 and EXPIRED in review.text
    assert review.one('input[name="token"]')["value"] != values["token"]
    assert in_app(lambda: models.Appointment.select().count()) == 1


def test_another_person_s_delivery_token_is_refused(citizen, resident, in_app):
    english(resident)
    token = new_token()
    mine = in_app(lambda: models.Document.get(models.Document.user == user_id("citizen")).id)
    theirs = in_app(lambda: models.Document.get(models.Document.user == user_id("resident")).id)
    assert citizen.submit(f"/delivery/request/{mine}/confirm", dict(ADDRESS, submission_token=token)).status == 303
    page = resident.submit(f"/delivery/request/{theirs}/confirm", dict(ADDRESS, submission_token=token))
    assert page.status == 303
    index = resident.page(page.response.headers["Location"])
    assert EXPIRED in index.text
    assert in_app(lambda: models.Delivery.select().count()) == 1


def test_an_address_too_long_gets_the_portal_s_own_page(citizen):
    english(citizen)
    page = citizen.page("/messages?q=" + "x" * 5000)
    assert_page_with_message(page, 414)
    assert "The page address is too long" in page.text


def test_gunicorn_as_make_serve_runs_it_lets_a_long_address_reach_the_portal_s_page(database_url):
    """gunicorn's own limit (4094 bytes by default) would answer with its bare English page."""
    limit = re.search(r"--limit-request-line (\d+)", (ROOT / "Makefile").read_text()).group(1)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "gunicorn", "app:create_app()", "--bind", f"127.0.0.1:{port}"]
    env = dict(os.environ, DATABASE_URL=database_url, DATABASE_POOL_SIZE="0", SECRET_KEY="test-secret")
    server = subprocess.Popen(
        [*command, "--limit-request-line", limit],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        connection = wait_for_server(port)
        connection.request("GET", "/healthz?q=" + "x" * 5000)
        response = connection.getresponse()
        body = response.read().decode()
    finally:
        server.terminate()
        server.wait()
    assert response.status == 414
    assert '<html lang="ar" dir="rtl">' in body and "عنوان الصفحة طويل جدًا" in body


def wait_for_server(port):
    """A connection to the server once it listens (it takes a moment to start)."""
    for _ in range(300):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.connect()
            return connection
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not start")


def test_every_form_reads_the_request_through_the_cleaning_base():
    """A form on FlaskForm alone would hand files to text fields again."""
    from flask_wtf import FlaskForm

    from views.forms import Form

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [cls for cls in subclasses(FlaskForm) if cls.__module__.startswith("views.")]
    assert ours and all(issubclass(cls, Form) for cls in ours), [c for c in ours if not issubclass(c, Form)]


# --- Every route, every role, hostile values ---------------------------------------


def field_names():
    """Every name a page's form or query can carry: the forms' fields, the templates' inputs, the views' reads."""
    names = set()
    for path in (ROOT / "templates").rglob("*.html"):
        names.update(re.findall(r'name="([a-z_]+)"', path.read_text()))
    for path in (ROOT / "views").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                names.update(
                    target.id
                    for statement in node.body
                    if isinstance(statement, ast.Assign)
                    for target in statement.targets
                    if isinstance(target, ast.Name) and target.id.islower()
                )
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("get", "getlist")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and ast.unparse(node.func.value).endswith(("args", "form"))
            ):
                names.add(node.args[0].value)
    names.update(("sector", "service", "region", "branch", "date", "time", "request"))  # the booking wizard's
    return sorted(names - {"csrf_token", "viewport", "widget", "groups", "regex"})


NAMES = field_names()

HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202e\u202d\u202c",
    "\u2066RR480000011SA\u2069",
    HUGE,
    str(2**63),
    str(2**63 - 1),
    "-1",
    "-9223372036854775809",
    "0",
    "1e309",
    "NaN",
    "²",
    "١٢٣",
    "9999-12-31",
    "0001-01-01",
    "2077-11-17",
    "1924-07-31",
    "٢٠٢٧-٠٢-١٨",
    "2027-02-30",
    "25:99",
    "x" * 3000,
    "ب" * 1200,
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "%00",
    "../../etc/passwd",
    "//evil.example/",
    "yes",
    "all",
    "1",
]


def usual_values(populated):
    """What the portal's own pages send, so that a hostile value in one field meets the deeper steps too."""
    document = models.Document.get(models.Document.user == user_id("citizen")).id
    fields = {
        **CHOICE,
        **ADDRESS,
        "date": next_open_day().isoformat(),
        "time": "09:00",
        "review": "1",
        "confirm": "1",
        "token": new_token(),
        "submission_token": new_token(),
        "subject": "تجديد جواز السفر",
        "body": "أرغب في تجديد جواز سفري.",
        "note": "ملاحظة",
        "national_id": DEMO["citizen"],
        "password": "demo1234",
        "code": "123456",
        "lang": "en",
        "next": "/",
        "status": "preparing",
        "reply_status": "answered",
        "version": "1",
        "attended": "yes",
        "q": DEMO["citizen"],
        "overdue": "1",
        "page": "1",
        "save_address": "y",
        "selected": f"{populated['delivery']}:1",
    }
    variables = {
        "reference": populated["request"],
        "number": populated["appointment"],
        "delivery_id": str(populated["delivery"]),
        "document_id": str(document),
        "attachment_id": "1",
        "filename": "css/site.css",
    }
    return fields, variables


ABSENT = object()

texts = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers().map(str),
    st.dates().map(lambda day: day.isoformat()),
)
files = st.builds(
    lambda content, name: (io.BytesIO(content), name),
    st.sampled_from([b"", b"%PDF-1.4\n%%EOF\n", b"\x00" * 64, b"text"]),
    st.sampled_from(["a.pdf", "", "\x00.png", "\u202egpj.exe", "x" * 300]),
)
hostile_values = st.one_of(texts, files, st.lists(texts, min_size=2, max_size=3), st.just(ABSENT))


@st.composite
def values_for(draw, names, usual):
    """A value for each name: the usual one, or (for a drawn share of them) a hostile one."""
    share = draw(st.sampled_from([1, 3, 10]))  # in tenths: a few fields hostile, a third, all
    values = {}
    for name in names:
        value = draw(hostile_values) if draw(st.integers(0, 9)) < share else usual.get(name, ABSENT)
        if value is not ABSENT:
            values[name] = value
    return values


def hostile_requests(rule, usual):
    fields, variables = usual
    return st.fixed_dictionaries(
        {
            "method": st.sampled_from(sorted(rule.methods - {"HEAD", "OPTIONS"})),
            "variables": values_for(sorted(rule.arguments), variables).map(
                lambda drawn: {name: text_of(drawn.get(name, "")) for name in rule.arguments}
            ),
            "fields": values_for(NAMES, fields),
            "encoding": st.sampled_from(["form", "form", "form", "json"]),
            "htmx": st.booleans(),
            "target": st.sampled_from(["", "after-date", "after-sector", "\x00", "x" * 200]),
            "trigger": st.sampled_from([None, *NAMES]),
        }
    )


def text_of(value):
    """A URL variable is text: a drawn file or list becomes its first text, or nothing."""
    if isinstance(value, list):
        return value[0]
    return value if isinstance(value, str) else ""


def url_for_rule(rule, values):
    """The rule's path with a drawn value in each variable."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda match: quote(values[match.group(1)], safe=""), rule.rule)


def send(client, rule, drawn):
    url = url_for_rule(rule, drawn["variables"])
    headers = {}
    if drawn["htmx"]:
        headers.update({"HX-Request": "true", "HX-Target": drawn["target"]})
        if drawn["trigger"]:
            headers["HX-Trigger-Name"] = drawn["trigger"]
    fields = drawn["fields"]
    if drawn["method"] == "GET":
        query = {name: value for name, value in fields.items() if not is_files(value)}
        return client.get(url, query_string=query, headers=headers)
    if drawn["encoding"] == "json":
        body = {name: value for name, value in fields.items() if not is_files(value)}
        if client.csrf_token is None:
            client.page("/", follow_redirects=True)
        headers["X-CSRFToken"] = client.csrf_token
        return client.post(url, data=json.dumps(body), content_type="application/json", headers=headers)
    return client.submit(url, fields, headers=headers, content_type="multipart/form-data").response


def is_files(value):
    return isinstance(value, tuple) or (isinstance(value, list) and any(isinstance(item, tuple) for item in value))


def assert_answered(response, rule, drawn):
    where = f"{drawn['method']} {rule.rule} {drawn}"
    assert response.status_code < 500, where
    if response.status_code >= 400 and not drawn["htmx"] and response.mimetype == "text/html":
        page = Page(response)
        assert len(page.select("h1")) == 1, where  # a page with its message, not a bare one


ROLES = ["anonymous", *DEMO]
EXAMPLES = 12  # per route where the role reaches the view
TURNED_AWAY = 2  # per route where the role is sent to sign in or refused before the view reads anything


def reaches_view(client, rule, variables):
    """False when the role is refused (403) or sent to sign in before the view reads anything."""
    plain = url_for_rule(rule, {name: variables.get(name, "1") for name in rule.arguments})
    response = client.get(plain) if "GET" in rule.methods else client.submit(plain).response
    location = response.headers.get("Location", "")
    return response.status_code != 403 and not location.startswith("/login")


@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_5xx_to_hostile_input(role, app, make_client, populated, in_app):
    client = make_client(None if role == "anonymous" else role)
    usual = in_app(lambda: usual_values(populated))
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "auth.logout" and role != "anonymous":
            continue  # signing out would turn the rest of the walk into the anonymous one
        examples = EXAMPLES if reaches_view(client, rule, usual[1]) else TURNED_AWAY
        walk(client, rule, usual, examples)


def walk(client, rule, usual, examples):
    """Send ``examples`` drawn requests to one rule; each must be answered."""

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(drawn=hostile_requests(rule, usual))
    def check(drawn):
        assert_answered(send(client, rule, drawn), rule, drawn)

    check()
