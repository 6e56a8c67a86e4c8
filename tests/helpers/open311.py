"""Calling the Open311 interface as another system does, and reading its answers in either format."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema

import models
from domain import open311
from tests.helpers.accounts import DEMO

BASE = "/open311/v2"

# Written from the GeoReport v2 specification (http://wiki.open311.org/GeoReport_v2).
SCHEMAS = json.loads((Path(__file__).resolve().parent.parent / "schemas" / "georeport_v2.json").read_text())

LISTS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}

NUMBERS = {"lat", "long", "code"}
BOOLEANS = {"metadata", "variable", "required"}


def validate(name, data):
    jsonschema.validate(data, SCHEMAS[name], format_checker=jsonschema.FormatChecker())


def _value(element):
    if element.tag in LISTS:
        return [_value(child) for child in element]
    if len(element):
        return {child.tag: _value(child) for child in element}
    text = element.text
    if text is None:
        return None
    if element.tag in BOOLEANS:
        return text == "true"
    if element.tag in NUMBERS:
        return float(text) if "." in text else int(text)
    return text


def from_xml(body):
    """An XML answer as the same Python values its JSON form would give."""
    return _value(ET.fromstring(body))


def read(response):
    """The answer's data, parsed by its content type (XML must be well-formed)."""
    if response.mimetype == "text/xml":
        return from_xml(response.get_data())
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:300]
    return response.get_json()


def issue(in_app, sectors=("passports",), name="بلدي", owner="أمانة الرياض"):
    """A key for these sectors; its token."""

    def make():
        admin = models.User.get(models.User.national_id == DEMO["admin"])
        chosen = list(models.Sector.select().where(models.Sector.code.in_(sectors)))
        return open311.issue_key(admin, name, owner, chosen)[1]

    return in_app(make)


def a_service(in_app, sector="passports"):
    """The code of the sector's first service."""
    return in_app(
        lambda: (
            models.Service.select(models.Service.code)
            .join(models.Sector)
            .where(models.Sector.code == sector)
            .order_by(models.Service.id)
            .first()
            .code
        )
    )


def report(token, code, **changes):
    """The fields of a valid request for the demo citizen."""
    fields = {
        "api_key": token,
        "service_code": code,
        "account_id": DEMO["citizen"],
        "first_name": "عبدالله",
        "last_name": "العتيبي",
        "description": "جواز السفر تالف وأحتاج إلى بديل",
        "lat": "24.7136",
        "long": "46.6753",
        "address_string": "حي العليا، الرياض",
    }
    fields.update(changes)
    return {name: value for name, value in fields.items() if value is not None}


def post(client, fields, fmt="json", **kwargs):
    response = client.post(f"{BASE}/requests.{fmt}", data=fields, **kwargs)
    return response, read(response)
