"""Discovery, the service list and each service's definition."""

import re

from flask import current_app, url_for
from flask_babel import _

from domain import open311
from views.open311 import bp, checked_format, fail
from views.open311.formats import FORMATS, respond

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"

# When the interface last changed in a way clients notice.
CHANGESET = "2026-12-04T00:00:00+03:00"

CODE_PATTERN = re.compile(r"[a-z0-9_]{1,64}")


@bp.route("/discovery.<fmt>")
def discovery(fmt):
    """Say where the interface is, which formats it speaks, and how to get a key."""
    fmt = checked_format(fmt)
    config = current_app.config
    document = {
        "changeset": CHANGESET,
        "contact": config.get("OPEN311_CONTACT") or _("Write to the portal's administrators through «تواصل»."),
        "key_service": config.get("OPEN311_KEY_SERVICE")
        or _("Keys are issued by the portal's administrators, for the sectors a system may send requests to."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url_for("open311.nothing_here", rest="", _external=True).rstrip("/"),
                "changeset": CHANGESET,
                "type": "production",
                "formats": list(FORMATS.values()),
            }
        ],
    }
    return respond(fmt, "discovery", document)


def _service(service):
    return {
        "service_code": service.code,
        "service_name": service.name,
        "description": service.requirements or service.name,
        # Requests ask only for the message (the standard's description): there are no attributes.
        "metadata": False,
        "type": "realtime",
        "keywords": ", ".join([service.sector.name, service.section.name]),
        "group": service.section.name,
    }


@bp.route("/services.<fmt>")
def services(fmt):
    """Every service that takes requests, in the asked language."""
    fmt = checked_format(fmt)
    return respond(fmt, "services", [_service(service) for service in open311.services()])


def known_service(code, status=404):
    """The service with this code, or an error list (404 for an address, 400 for a parameter)."""
    service = open311.service(code) if CODE_PATTERN.fullmatch(code or "") else None
    if service is None:
        fail(status, _("There is no service with this code."))
    return service


@bp.route("/services/<service_code>.<fmt>")
def service_definition(service_code, fmt):
    """What a request for the service asks for beyond the standard's fields: nothing, so no attributes."""
    fmt = checked_format(fmt)
    service = known_service(service_code)
    return respond(fmt, "service_definition", {"service_code": service.code, "attributes": []})
