"""Requests through the interface: send one for a beneficiary, list and read them, follow a token.

What anyone may read of a request is its service, status and dates, and
where it is about when it was sent through the interface. Never the
person's name, ID, phone or e-mail, nor the message or its files: the
message (``description``) and the picture's address are shown only to the
key that sent the request, when it is passed.
"""

import math
import re
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlsplit

from flask import g, request
from flask_babel import _, ngettext
from werkzeug.datastructures import MultiDict

from domain import open311
from domain.dates import RIYADH
from domain.delivery.address import check_short_address
from domain.errors import Refused
from domain.requests import label
from domain.tokens import valid_token
from views import limits
from views.messages import REFERENCE_PATTERN, beneficiary_link
from views.messages.forms import RequestForm
from views.open311 import bp, checked_format, client_key, fail
from views.open311.formats import Unreadable, respond, submitted
from views.open311.services import known_service

DEFAULT_DAYS = 90
MAX_ADDRESS = 300
MAX_URL = 500
MOMENT_PATTERN = re.compile(r"[0-9T:+\-.Z ]{4,40}", re.ASCII)


def w3c(moment):
    """A stored (naive UTC) time as a W3C date-time in Riyadh's zone: 2026-12-04T21:30:00+03:00."""
    return moment.replace(tzinfo=UTC).astimezone(RIYADH).isoformat(timespec="seconds")


def promised(day):
    """The end of the day the sector promised an answer by."""
    return datetime.combine(day, time(23, 59, 59), RIYADH).isoformat(timespec="seconds")


def notice(service):
    return ngettext(
        "An answer is due within %(num)d working day.",
        "An answer is due within %(num)d working days.",
        service.response_days,
    )


def _request(row, key):
    """What the interface shows of a request; the message and picture only to the key that sent it."""
    report = row.report
    own = key is not None and report is not None and report.key_id == key.id
    item = {
        "service_request_id": row.reference,
        "status": open311.open311_status(row.status),
        "status_notes": str(label(row.status)),
        "service_name": row.service.name,
        "service_code": row.service.code,
    }
    if own:
        item["description"] = row.body
    item.update(
        agency_responsible=row.sector.name,
        service_notice=notice(row.service),
        requested_datetime=w3c(row.created_at),
        updated_datetime=w3c(row.updated_at),
        expected_datetime=promised(row.due_date),
        address=(report.address or None) if report else None,
        address_id=(report.address_id or None) if report else None,
        zipcode=None,
        lat=report.lat if report else None,
        long=report.long if report else None,
    )
    if own:
        item["media_url"] = report.media_url or None
    return item


# --- Sending -------------------------------------------------------------------------------


def _number(fields, name, low, high):
    text = fields.get(name, "").strip()
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not low <= value <= high:
        fail(400, _("%(name)s must be a number from %(low)s to %(high)s.", name=name, low=low, high=high))
    return value


def _location(fields):
    """Where the request is about: lat and long, a national short address (address_id), or words."""
    address = fields.get("address_string", "").strip()
    address_id = fields.get("address_id", "").strip()
    has_point = bool(fields.get("lat", "").strip() or fields.get("long", "").strip())
    if not (address or address_id or has_point):
        fail(400, _("Give the location: lat and long, address_string, or address_id (a national short address)."))
    if len(address) > MAX_ADDRESS:
        fail(400, _("address_string must be %(num)d characters or fewer.", num=MAX_ADDRESS))
    if address_id:
        address_id, problem = check_short_address(address_id)
        if problem:
            fail(400, problem)
    lat = long = None
    if has_point:
        lat, long = _number(fields, "lat", -90, 90), _number(fields, "long", -180, 180)
    return open311.Location(address=address, address_id=address_id, lat=lat, long=long)


def _media_url(fields):
    url = fields.get("media_url", "").strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if len(url) > MAX_URL or parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        fail(400, _("media_url must be an http or https address of %(num)d characters or fewer.", num=MAX_URL))
    return url


def _checked_text(service, description):
    """The subject and message, validated by the form's own fields."""
    form = RequestForm(
        formdata=MultiDict({"subject": service.name_ar[:100], "body": description}), meta={"csrf": False}
    )
    form.validate()
    for field in (form.subject, form.body):
        if field.errors:
            fail(400, f"description: {field.errors[0]}" if field is form.body else field.errors[0])
    return form.subject.data, form.body.data


@bp.route("/requests.<fmt>", methods=["POST"])
def create_request(fmt):
    """Send a request for the beneficiary the fields name, as the form sends one."""
    fmt = checked_format(fmt)
    try:
        g.open311_fields = fields = submitted(request)
    except Unreadable:
        fail(400, _("The body could not be read as its content type says."))
    key = client_key()
    if key is None:
        fail(403, _("A valid API key is needed to send a request."))
    seconds = limits.wait_for("open311_key", account=f"api_key:{key.id}")
    if seconds:
        fail(429, limits.wait_message(seconds), **{"Retry-After": str(seconds)})
    code = fields.get("service_code", "").strip()
    if not code:
        fail(400, _("service_code is required."))
    service = known_service(code, 400)
    unknown = sorted(name for name in fields if name.startswith("attribute"))
    if unknown:
        fail(400, _("This service takes no attributes: %(names)s.", names=", ".join(unknown)[:200]))
    location = _location(fields)
    user = open311.account_for(fields.get("account_id", ""), fields.get("phone", "").strip())
    if user is None:
        fail(400, _("account_id must be the national ID of a beneficiary's account (and phone, if given, theirs)."))
    subject, body = _checked_text(service, fields.get("description", ""))
    media_url = _media_url(fields)
    try:
        service_request = open311.submit(key, user, service, subject, body, location, media_url, beneficiary_link)
    except Refused as refusal:
        fail(403 if refusal.code == "sector" else 400, refusal.message)
    answer = {
        "service_request_id": service_request.reference,
        "token": service_request.submission_token,
        "service_notice": notice(service),
        "account_id": None,
    }
    return respond(fmt, "service_requests", [answer])


# --- Reading -------------------------------------------------------------------------------


def _moment(name):
    """A W3C date-time from the query, as a stored (naive UTC) time; a time without a zone is Riyadh's."""
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        if not MOMENT_PATTERN.fullmatch(text):
            raise ValueError(text)
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=RIYADH)
        if not 1900 <= moment.year <= 9000:
            raise ValueError(text)
        return moment.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):
        fail(400, _("%(name)s must be a W3C date and time, like 2026-12-04T09:30:00+03:00.", name=name))


def _statuses():
    text = request.args.get("status", "").strip()
    if not text:
        return None
    asked = {part.strip() for part in text.split(",") if part.strip()}
    if not asked or asked - {"open", "closed"}:
        fail(400, _("status must be open or closed."))
    return tuple(status for name in sorted(asked) for status in open311.statuses_of(name))


def _references(text):
    references = [part.strip().upper() for part in text.split(",") if part.strip()]
    if not references or len(references) > open311.MAX_LISTED:
        fail(400, _("service_request_id must be up to %(num)d request numbers, separated by commas.", num=1000))
    if not all(REFERENCE_PATTERN.fullmatch(reference) for reference in references):
        fail(400, _("service_request_id must be request numbers like M1448-000123."))
    return references


@bp.route("/requests.<fmt>")
def list_requests(fmt):
    """Requests newest first: those numbered, or those of a period (the last 90 days), a service, a status."""
    fmt = checked_format(fmt)
    key = client_key()
    numbers = request.args.get("service_request_id", "")
    if numbers.strip():
        rows = open311.by_references(_references(numbers))
    else:
        code = request.args.get("service_code", "").strip()
        service = known_service(code, 400) if code else None
        start, end = _moment("start_date"), _moment("end_date")
        end = end or datetime.now(UTC).replace(tzinfo=None)
        start = start or end - timedelta(days=DEFAULT_DAYS)
        if start > end:
            fail(400, _("start_date must come before end_date."))
        rows = open311.search(start, end, service, _statuses())
    return respond(fmt, "service_requests", [_request(row, key) for row in rows])


@bp.route("/requests/<service_request_id>.<fmt>")
def show_request(service_request_id, fmt):
    """One request, as a list of one."""
    fmt = checked_format(fmt)
    key = client_key()
    reference = service_request_id.upper()
    rows = open311.by_references([reference]) if REFERENCE_PATTERN.fullmatch(reference) else []
    if not rows:
        fail(404, _("There is no request with this number."))
    return respond(fmt, "service_requests", [_request(rows[0], key)])


@bp.route("/tokens/<token>.<fmt>")
def show_token(token, fmt):
    """The request number a submission's token stands for."""
    fmt = checked_format(fmt)
    row = open311.by_token(token) if valid_token(token) else None
    if row is None:
        fail(404, _("There is no request with this token."))
    return respond(fmt, "service_requests", [{"service_request_id": row.reference, "token": token}])
