"""Whatever another system sends the Open311 interface, it answers the standard's error list or a valid
answer, in JSON or XML: never a 5xx, never an HTML page."""

import json
import re
from urllib.parse import quote
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.open311 import BASE, a_service, issue, read, report, validate

HOSTILE = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\u202e",
            "'; DROP TABLE servicerequest; --",
            "<script>alert(1)</script>",
            "&amp;&lol;",
            "NaN",
            "inf",
            "-1e309",
            "1e400",
            "٠٥٠٠٠٠٠٠٠٨",
            "9" * 40,
            "2026-02-30T25:61:00+99:00",
            "../../../etc/passwd",
            "open,closed,,",
            "M1448-000001,,M0000-0000000",
            "x" * 5000,
        ]
    ),
)

POST_FIELDS = (
    "api_key",
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "description",
    "media_url",
    "account_id",
    "first_name",
    "last_name",
    "phone",
    "email",
    "device_id",
    "jurisdiction_id",
    "attribute[subject]",
)

GET_FIELDS = ("service_request_id", "service_code", "start_date", "end_date", "status", "api_key", "locale")

FORMAT = st.sampled_from(["json", "xml", "html", "JSON", "", "xml.json", "%00"])

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.fixture
def unpaced(app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", False)


def answered(response, schema):
    """An answer of the interface: the error list with its status, or the schema's shape."""
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    assert response.mimetype in ("application/json", "text/xml"), response.get_data(as_text=True)[:300]
    data = read(response)
    if response.status_code >= 400:
        validate("errors", data)
        assert data[0]["code"] == response.status_code
    else:
        validate(schema, data)
    return data


@pytest.fixture
def valid(in_app):
    """A valid request's fields; the key is issued once per test (its examples share the tables)."""
    return report(issue(in_app), a_service(in_app))


def test_hostile_posts_get_an_error_list_or_a_request(client, unpaced, valid):
    outcomes = []

    @SETTINGS
    @given(
        values=st.fixed_dictionaries({}, optional={name: HOSTILE for name in POST_FIELDS}),
        keep_valid=st.sets(st.sampled_from(POST_FIELDS)),
        encoding=st.sampled_from(["form", "json", "xml", "json-as-xml", "xml-as-json"]),
        fmt=FORMAT,
    )
    def send(values, keep_valid, encoding, fmt):
        fields = {**valid, **values}
        for name in keep_valid & valid.keys():
            fields[name] = valid[name]
        path = f"{BASE}/requests.{quote(fmt)}"
        as_json = json.dumps(fields)
        as_xml = "<service_request>" + "".join(f"<{n}>{escape(v)}</{n}>" for n, v in fields.items() if "[" not in n)
        as_xml = (as_xml + "</service_request>").encode("utf-8", "replace")
        if encoding == "form":
            response = client.post(path, data=fields)
        elif encoding == "json":
            response = client.post(path, data=as_json, content_type="application/json")
        elif encoding == "xml":
            response = client.post(path, data=as_xml, content_type="text/xml")
        elif encoding == "json-as-xml":
            response = client.post(path, data=as_json, content_type="application/xml")
        else:
            response = client.post(path, data=as_xml, content_type="application/json")
        answered(response, "post_response")
        outcomes.append(response.status_code)

    send()
    # Some examples kept enough valid fields to be sent: the search reached the path that makes a request.
    assert 200 in outcomes and any(code >= 400 for code in outcomes)


@SETTINGS
@given(query=st.fixed_dictionaries({}, optional={name: HOSTILE for name in GET_FIELDS}), fmt=FORMAT)
def test_hostile_request_queries_get_an_error_list_or_a_list(client, unpaced, query, fmt):
    response = client.get(f"{BASE}/requests.{quote(fmt)}", query_string=query)
    answered(response, "requests")


@SETTINGS
@given(
    segment=HOSTILE,
    resource=st.sampled_from(["services", "requests", "tokens"]),
    fmt=FORMAT,
    accept=HOSTILE,
)
def test_hostile_addresses_and_headers_get_an_error_list(client, unpaced, segment, resource, fmt, accept):
    headers = {"Accept-Language": re.sub(r"[\r\n]", " ", accept.encode("latin-1", "replace").decode("latin-1"))}
    path = f"{BASE}/{resource}/{quote(segment, safe='')}.{quote(fmt)}"
    response = client.get(path, headers=headers)
    answered(response, {"services": "service_definition", "requests": "requests", "tokens": "tokens"}[resource])


@SETTINGS
@given(
    body=st.binary(max_size=2000),
    content_type=st.sampled_from(
        ["application/json", "text/xml", "multipart/form-data", "application/x-www-form-urlencoded", "text/plain"]
    ),
)
def test_any_bytes_get_an_error_list(client, unpaced, body, content_type):
    answered(client.post(f"{BASE}/requests.json", data=body, content_type=content_type), "post_response")
