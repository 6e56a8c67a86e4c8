"""The two formats of the Open311 interface: answers written as JSON or as XML, and what clients send read back.

XML is built with ElementTree, never by joining strings, and whatever XML a
client sends is parsed with defusedxml (no entities, no DTDs).
"""

import json
import math
import re
import xml.etree.ElementTree as ET

from defusedxml import ElementTree as SafeET
from flask import Response

from views.inputs import clean_text

FORMATS = {"json": "application/json", "xml": "text/xml"}

# The element each member of a list is written as, by the list's own element.
LIST_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}

# What XML 1.0 cannot carry at all, whatever the escaping.
NOT_IN_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Control characters a client may send that no field needs (tabs and new lines stay).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Unreadable(ValueError):
    """The body is not the JSON or XML its content type says."""


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_IN_XML.sub("", str(value))


def _fill(element, value):
    if isinstance(value, dict):
        for name, member in value.items():
            _fill(ET.SubElement(element, name), member)
    elif isinstance(value, list):
        tag = LIST_ITEMS.get(element.tag, "item")
        for member in value:
            _fill(ET.SubElement(element, tag), member)
    elif value is not None:
        element.text = _text(value)


def to_xml(root: str, data) -> bytes:
    element = ET.Element(root)
    _fill(element, data)
    return ET.tostring(element, encoding="utf-8", xml_declaration=True)


def respond(fmt: str, root: str, data, status: int = 200, headers=None) -> Response:
    """``data`` in the format asked for: a JSON value, or XML under ``root``."""
    if fmt == "xml":
        body = to_xml(root, data)
    else:
        fmt = "json"
        body = json.dumps(data, ensure_ascii=False)
    response = Response(body, status=status, mimetype=FORMATS[fmt], headers=headers)
    response.charset = "utf-8"
    return response


def _clean(value) -> str:
    return CONTROL_CHARACTERS.sub("", clean_text(value))


def _scalar(value):
    """A JSON member as the text a form would have carried; None for what no form field holds."""
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    return None


def _flatten(pairs):
    """(name, text) pairs with ``attribute`` and ``person`` objects spelt as a form spells them."""
    fields = {}
    for name, value in pairs:
        if isinstance(value, dict) and name in ("attribute", "person"):
            for inner, member in value.items():
                text = _scalar(member)
                if text is None:
                    raise Unreadable(name)
                fields[f"{name}[{_clean(str(inner))}]" if name == "attribute" else _clean(str(inner))] = text
            continue
        text = _scalar(value)
        if text is None:
            raise Unreadable(name)
        fields[_clean(str(name))] = text
    return fields


def _from_xml(body: bytes) -> dict:
    try:
        root = SafeET.fromstring(body)
    except Exception as error:  # ParseError and defusedxml's refusals alike
        raise Unreadable("xml") from error
    pairs = []
    for child in root:
        if len(child):
            pairs.append((child.tag, {inner.tag: inner.text or "" for inner in child}))
        else:
            pairs.append((child.tag, child.text or ""))
    return _flatten(pairs)


def submitted(request) -> dict:
    """The fields of a POST: a form (the standard's own encoding), a JSON object, or an XML document."""
    mimetype = request.mimetype
    if mimetype == "application/json" or mimetype.endswith("+json"):
        try:
            data = json.loads(request.get_data(cache=True) or b"null")
        except (ValueError, RecursionError) as error:
            raise Unreadable("json") from error
        if not isinstance(data, dict):
            raise Unreadable("json")
        return _flatten(data.items())
    if mimetype in ("text/xml", "application/xml") or mimetype.endswith("+xml"):
        return _from_xml(request.get_data(cache=True))
    fields = {}
    for name in request.form:
        values = request.form.getlist(name)
        fields[_clean(name)] = _clean(values[0]) if values else ""
    return fields
