"""The Open311 GeoReport v2 interface: every endpoint in JSON and XML, as the specification shapes them
(http://wiki.open311.org/GeoReport_v2), and requests sent through it that land in the sector's inbox."""

from datetime import datetime, timedelta

import pytest

import models
from domain import catalog
from domain.dates import today
from tests.helpers.accounts import DEMO
from tests.helpers.messaging import insert_request
from tests.helpers.open311 import BASE, a_service, issue, post, read, report, validate

FORMATS = ("json", "xml")


@pytest.fixture
def key(in_app):
    return issue(in_app)


@pytest.fixture
def service_code(in_app):
    return a_service(in_app)


def citizen_id(in_app):
    return in_app(lambda: models.User.get(models.User.national_id == DEMO["citizen"]).id)


def both(client, path, **kwargs):
    """The answer in JSON and in XML; they must carry the same data."""
    answers = []
    for fmt in FORMATS:
        response = client.get(f"{BASE}/{path}.{fmt}", **kwargs)
        answers.append((response, read(response)))
    (json_response, json_data), (xml_response, xml_data) = answers
    assert json_response.status_code == xml_response.status_code
    assert json_data == xml_data
    return json_response, json_data


# --- Discovery and services ---------------------------------------------------------------


def test_discovery_names_the_specification_and_both_formats(client):
    response, data = both(client, "discovery")
    assert response.status_code == 200
    validate("discovery", data)
    endpoint = data["endpoints"][0]
    assert endpoint["url"].endswith("/open311/v2")
    assert set(endpoint["formats"]) == {"application/json", "text/xml"}


def test_services_list_every_service_in_arabic_by_default(client, in_app):
    response, data = both(client, "services")
    assert response.status_code == 200
    validate("services", data)
    assert len(data) == in_app(lambda: models.Service.select().count())
    passports = in_app(lambda: models.Service.select().join(models.Sector).where(models.Sector.code == "passports")[0])
    listed = next(item for item in data if item["service_code"] == passports.code)
    assert listed["service_name"] == passports.name_ar
    assert listed["type"] == "realtime" and listed["metadata"] is False
    assert listed["group"]


@pytest.mark.parametrize(
    "how",
    [
        {"query_string": {"locale": "en"}},
        {"query_string": {"locale": "en_US"}},
        {"headers": {"Accept-Language": "en-GB,en;q=0.8"}},
    ],
)
def test_services_speak_english_when_asked(client, in_app, how):
    _response, data = both(client, "services", **how)
    first = in_app(lambda: {service.code: service.name_en for service in models.Service.select()})
    assert all(item["service_name"] == first[item["service_code"]] for item in data)


def test_a_service_definition_has_no_attributes_as_requests_ask_only_for_the_message(client, service_code):
    response, data = both(client, f"services/{service_code}")
    assert response.status_code == 200
    validate("service_definition", data)
    assert data == {"service_code": service_code, "attributes": []}


def test_an_unknown_service_is_a_404_error_list(client):
    response, data = both(client, "services/no_such_service")
    assert response.status_code == 404
    validate("errors", data)
    assert data[0]["code"] == 404


# --- Sending a request --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_request_sent_through_the_interface_reaches_the_sector_agent(client, agent, in_app, key, service_code, fmt):
    response, data = post(client, report(key, service_code), fmt)
    assert response.status_code == 200, data
    validate("post_response", data)
    reference = data[0]["service_request_id"]
    made = in_app(lambda: models.ServiceRequest.get(models.ServiceRequest.reference == reference))
    assert made.user_id == citizen_id(in_app)
    assert made.body == "جواز السفر تالف وأحتاج إلى بديل"
    inbox = agent.page("/sector/inbox")
    assert reference in inbox.text
    # The same notification as the form sends.
    notes = in_app(
        lambda: [n.text_ar for n in models.Notification.select().where(models.Notification.user == made.user_id)]
    )
    assert any(reference in note for note in notes)
    # Its token leads to the same number.
    token_response = client.get(f"{BASE}/tokens/{data[0]['token']}.{fmt}")
    validate("tokens", read(token_response))
    assert read(token_response)[0]["service_request_id"] == reference


def test_a_json_or_xml_body_sends_a_request_too(client, in_app, key, service_code):
    fields = report(key, service_code)
    response = client.post(f"{BASE}/requests.json", json=fields)
    assert response.status_code == 200, response.get_data(as_text=True)
    elements = "".join(f"<{name}>{value}</{name}>" for name, value in fields.items())
    response = client.post(
        f"{BASE}/requests.xml", data=f"<service_request>{elements}</service_request>", content_type="text/xml"
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert in_app(lambda: models.ServiceRequest.select().count()) == 2


def test_a_national_short_address_is_a_location(client, key, service_code):
    fields = report(key, service_code, lat=None, long=None, address_string=None, address_id="rrrd2929")
    response, data = post(client, fields)
    assert response.status_code == 200, data
    shown = read(client.get(f"{BASE}/requests/{data[0]['service_request_id']}.json"))[0]
    assert shown["address_id"] == "RRRD2929" and shown["lat"] is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_key_a_wrong_key_or_a_revoked_one_is_a_403_error_list(client, admin, in_app, key, service_code, fmt):
    for token in (None, "", "x" * 43):
        response, data = post(client, report(token, service_code), fmt)
        assert response.status_code == 403
        validate("errors", data)
    key_id = in_app(lambda: models.ApiKey.select().first().id)
    admin.page("/admin/api-keys")
    assert admin.submit(f"/admin/api-keys/{key_id}/revoke").status == 303
    response, data = post(client, report(key, service_code), fmt)
    assert response.status_code == 403 and data[0]["code"] == 403
    assert in_app(lambda: models.ServiceRequest.select().count()) == 0


def test_a_key_sends_only_to_its_own_sectors(client, in_app, key):
    other = a_service(
        in_app, sector=in_app(lambda: models.Sector.select().where(models.Sector.code != "passports")[0].code)
    )
    response, data = post(client, report(key, other))
    assert response.status_code == 403
    validate("errors", data)


@pytest.mark.parametrize(
    "changes, words",
    [
        ({"description": ""}, "description"),
        ({"description": "ب" * 1001}, "1000"),
        ({"account_id": "1234567890"}, "account_id"),
        ({"account_id": DEMO["agent"]}, "account_id"),
        ({"phone": "0599999999"}, "account_id"),
        ({"lat": "91"}, "lat"),
        ({"long": "abc"}, "long"),
        ({"lat": None, "long": None, "address_string": None}, "location"),
        ({"address_id": "12345678"}, "4"),
        ({"service_code": ""}, "service_code"),
        ({"service_code": "no_such_service"}, "service"),
        ({"attribute[colour]": "red"}, "attribute"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
    ],
)
def test_what_the_form_refuses_the_interface_refuses_with_a_400(client, in_app, key, service_code, changes, words):
    response, data = post(client, report(key, service_code, **changes), headers={"Accept-Language": "en"})
    assert response.status_code == 400, data
    validate("errors", data)
    assert words in data[0]["description"]
    assert in_app(lambda: models.ServiceRequest.select().count()) == 0


def test_the_form_message_is_in_arabic_by_default(client, key, service_code):
    _response, data = post(client, report(key, service_code, description=""))
    assert data[0]["description"] == "description: اكتب رسالتك."


def test_a_signed_in_browser_is_anonymous_to_the_interface(citizen, in_app, service_code):
    """The session cookie neither sends a request as its owner nor needs a CSRF token."""
    response, data = post(citizen, {**report("", service_code), "csrf_token": "none"})
    assert response.status_code == 403
    validate("errors", data)
    assert in_app(lambda: models.ServiceRequest.select().count()) == 0


def test_the_key_that_sent_a_request_alone_reads_its_message(client, in_app, key, service_code):
    _response, data = post(client, report(key, service_code, media_url="https://img.example.sa/1.jpg"))
    reference = data[0]["service_request_id"]
    other = issue(in_app, name="آخر")
    public = read(client.get(f"{BASE}/requests/{reference}.json"))[0]
    foreign = read(client.get(f"{BASE}/requests/{reference}.json", query_string={"api_key": other}))[0]
    own = read(client.get(f"{BASE}/requests/{reference}.json", query_string={"api_key": key}))[0]
    for shown in (public, foreign, own):
        validate("requests", [shown])
    assert "description" not in public and "media_url" not in public
    assert "description" not in foreign
    assert own["description"] == "جواز السفر تالف وأحتاج إلى بديل"
    assert own["media_url"] == "https://img.example.sa/1.jpg"
    xml_own = read(client.get(f"{BASE}/requests/{reference}.xml", query_string={"api_key": key}))[0]
    assert xml_own == own


# --- Reading requests ---------------------------------------------------------------------


def test_public_answers_carry_no_personal_data(client, in_app, key, service_code, make_client):
    post(client, report(key, service_code))
    user_id = citizen_id(in_app)
    in_app(lambda: insert_request(user_id, service_code, today() + timedelta(days=3), subject="سري"))
    citizen = in_app(lambda: models.User.get_by_id(user_id))
    for fmt in FORMATS:
        text = client.get(f"{BASE}/requests.{fmt}").get_data(as_text=True)
        for private in (
            citizen.national_id,
            citizen.name_ar,
            citizen.name_en,
            citizen.phone,
            citizen.email,
            "جواز السفر تالف",
            "سري",
            "نص",
        ):
            assert private not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_list_newest_first_with_w3c_times(client, in_app, key, service_code, fmt):
    references = [post(client, report(key, service_code))[1][0]["service_request_id"] for _ in range(2)]
    response = client.get(f"{BASE}/requests.{fmt}")
    data = read(response)
    validate("requests", data)
    assert [item["service_request_id"] for item in data] == references[::-1]
    first = data[0]
    assert first["status"] == "open" and first["status_notes"]
    assert first["agency_responsible"] and first["service_notice"]
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert datetime.fromisoformat(first[name]).utcoffset() == timedelta(hours=3)
    assert first["lat"] == 24.7136 and first["address"] == "حي العليا، الرياض"


def test_requests_are_filtered_by_number_service_status_and_dates(client, in_app, key, service_code):
    user_id = citizen_id(in_app)
    other_code = (
        a_service(in_app, sector="civil_affairs")
        if in_app(lambda: models.Sector.select().where(models.Sector.code == "civil_affairs").exists())
        else in_app(lambda: models.Service.select().where(models.Service.code != service_code)[0].code)
    )
    due = today() + timedelta(days=5)
    old = datetime.now() - timedelta(days=120)
    rows = in_app(
        lambda: [
            insert_request(user_id, service_code, due).reference,
            insert_request(user_id, other_code, due, status=models.RequestStatus.CLOSED).reference,
            insert_request(user_id, service_code, due, created_at=old).reference,
        ]
    )
    recent_open, recent_closed, ancient = rows

    def listed(**query):
        response = client.get(f"{BASE}/requests.json", query_string=query)
        assert response.status_code == 200, response.get_data(as_text=True)
        return {item["service_request_id"] for item in read(response)}

    assert listed() == {recent_open, recent_closed}
    assert listed(status="open") == {recent_open}
    assert listed(status="closed") == {recent_closed}
    assert listed(status="open,closed") == {recent_open, recent_closed}
    assert listed(service_code=other_code) == {recent_closed}
    start = (old - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S+03:00")
    end = (old + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert listed(start_date=start, end_date=end) == {ancient}
    assert listed(service_request_id=f"{ancient},{recent_open.lower()}") == {ancient, recent_open}


def test_an_unknown_request_or_token_is_a_404_error_list(client):
    for path in ("requests/M1448-999999", "requests/nonsense", "tokens/" + "a" * 43, "tokens/x"):
        response, data = both(client, path)
        assert response.status_code == 404
        validate("errors", data)


# --- Errors are always the list -----------------------------------------------------------


def error_list(response, code):
    assert response.status_code == code, response.get_data(as_text=True)[:300]
    assert response.mimetype in ("application/json", "text/xml")
    data = read(response)
    validate("errors", data)
    assert data[0]["code"] == code
    return data


def test_an_unknown_format_or_address_or_method_is_an_error_list(client):
    error_list(client.get(f"{BASE}/services.html"), 400)
    error_list(client.get(f"{BASE}/services.xml.php"), 400)
    error_list(client.get(f"{BASE}/nothing.json"), 404)
    error_list(client.get(f"{BASE}/"), 404)
    error_list(client.get(f"{BASE}/deep/er/path.xml"), 404)
    assert client.get(f"{BASE}/deep/er/path.xml").mimetype == "text/xml"
    error_list(client.delete(f"{BASE}/services.json"), 405)
    error_list(client.post(f"{BASE}/services.xml"), 405)
    error_list(client.put(f"{BASE}/requests.json"), 405)


def test_an_oversized_or_unreadable_body_is_an_error_list(client, key, service_code):
    error_list(client.post(f"{BASE}/requests.json", data={"description": "x" * 200_000}), 413)
    error_list(client.post(f"{BASE}/requests.json", data="<a>xml</a>", content_type="application/json"), 400)
    error_list(client.post(f"{BASE}/requests.json", data="[1, 2]", content_type="application/json"), 400)
    error_list(client.post(f"{BASE}/requests.json", json={"api_key": key, "service_code": [1]}), 400)
    error_list(client.post(f"{BASE}/requests.xml", data="{not xml", content_type="text/xml"), 400)
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        "<service_request><description>&lol2;</description></service_request>"
    )
    error_list(client.post(f"{BASE}/requests.xml", data=laughs, content_type="application/xml"), 400)
    external = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r><api_key>&x;</api_key></r>'
    )
    error_list(client.post(f"{BASE}/requests.xml", data=external, content_type="text/xml"), 400)


def test_a_too_long_address_is_a_414_error_list(client):
    error_list(client.get(f"{BASE}/requests.xml?service_code=" + "a" * 5000), 414)


def test_what_a_key_reads_is_kept_by_no_cache(client, key):
    assert client.get(f"{BASE}/requests.json", query_string={"api_key": key}).headers["Cache-Control"] == "no-store"
    assert "Accept-Language" in client.get(f"{BASE}/services.json").headers["Vary"]


def test_hostile_dates_and_filters_are_400s(client):
    for query in (
        {"start_date": "yesterday"},
        {"start_date": "0001-01-01T00:00:00+03:00"},
        {"end_date": "9999-12-31T23:59:59-23:59"},
        {"start_date": "2026-12-04", "end_date": "2026-01-01"},
        {"status": "pending"},
        {"service_request_id": "'; DROP TABLE servicerequest; --"},
        {"service_request_id": ",".join(["M1448-000001"] * 1001)},
        {"service_code": "../../etc"},
        {"api_key": "wrong-key-wrong-key"},
    ):
        response = client.get(f"{BASE}/requests.json", query_string=query)
        assert response.status_code in (400, 403, 404, 414), query
        validate("errors", read(response))


def test_reads_are_paced_per_client(client, app):
    for _ in range(120):
        assert client.get(f"{BASE}/discovery.json").status_code == 200
    response = client.get(f"{BASE}/discovery.xml")
    error_list(response, 429)
    assert int(response.headers["Retry-After"]) > 0
    other = app.test_client()
    assert other.get(f"{BASE}/discovery.json", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200


def test_posts_are_paced_per_key(client, in_app, key, service_code, monkeypatch):
    from views import limits

    monkeypatch.setitem(limits.ACTION_LIMITS, "open311_key", "2 per minute")
    for _ in range(2):
        assert post(client, report(key, service_code))[0].status_code == 200
    error_list(post(client, report(key, service_code))[0], 429)
    other = issue(in_app, name="ثان")
    assert post(client, report(other, service_code))[0].status_code == 200


def test_a_retired_service_is_neither_listed_nor_taken(client, in_app, key, service_code):
    def retire():
        models.Service.update(active=False).where(models.Service.code == service_code).execute()
        catalog.invalidate()

    def restore():
        models.Service.update(active=True).where(models.Service.code == service_code).execute()
        catalog.invalidate()

    in_app(retire)
    try:
        _, listed = both(client, "services")
        assert service_code not in [service["service_code"] for service in listed]
        response, data = post(client, report(key, service_code), "json")
        assert response.status_code in (400, 404)
        assert data[0]["code"] == response.status_code
    finally:
        in_app(restore)  # the catalog outlives each test's data


def test_an_address_no_route_matches_is_still_the_error_list(client):
    for fmt, mimetype in (("json", "application/json"), ("xml", "text/xml")):
        response = client.get(f"{BASE}/services/\n\x00.{fmt}")
        assert response.status_code == 404
        assert response.mimetype == mimetype
        assert read(response)[0]["code"] == 404
