"""The Open311 GeoReport v2 interface's rules: its keys, and the requests other systems send through it.

A request sent through the interface is made by ``domain.requests.submit``,
the form's own function (same reference number, due date and notification);
where it is about, the picture's address and the key that sent it are kept
beside it (``ApiReport``) in the same transaction.

Keys are stored as the SHA-256 digest of a random token: the token itself is
shown once, when the key is issued, and never kept.
"""

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from peewee import JOIN

from domain import audit, catalog
from domain import requests as pipeline
from domain.errors import Refused
from domain.identity import national_id_problem, normalize_digits
from domain.tokens import new_token
from models import (
    ApiKey,
    ApiKeySector,
    ApiReport,
    RequestStatus,
    Role,
    Sector,
    Service,
    ServiceRequest,
    User,
    utcnow,
    write_transaction,
)

# The most requests one answer lists (the standard's own default).
MAX_LISTED = 1000

# Open311's two statuses, from the portal's pipeline.
OPEN_STATUSES = RequestStatus.OPEN
CLOSED_STATUSES = tuple(status for status in RequestStatus.ALL if status not in RequestStatus.OPEN)

NEEDS_NAME = _l("Enter the key's name.")
NEEDS_OWNER = _l("Enter who the key is for.")
NEEDS_SECTORS = _l("Choose at least one sector the key may send requests to.")
NOT_THIS_SECTOR = _l("This key may not send requests to this service's sector.")


def open311_status(status: str) -> str:
    """«open» while the request is in the pipeline, «closed» once it is finished."""
    return "open" if status in RequestStatus.OPEN else "closed"


def statuses_of(open311: str) -> tuple[str, ...]:
    return OPEN_STATUSES if open311 == "open" else CLOSED_STATUSES


# --- Keys ------------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_key(admin: User, name: str, owner: str, sectors: Iterable[Sector]) -> tuple[ApiKey, str]:
    """Make a key for another system and audit it; returns the key and its token, which is never shown again."""
    sectors = list(sectors)
    if not name:
        raise Refused(NEEDS_NAME, code="name")
    if not owner:
        raise Refused(NEEDS_OWNER, code="owner")
    if not sectors:
        raise Refused(NEEDS_SECTORS, code="sectors")
    token = secrets.token_urlsafe(32)
    with write_transaction():
        key = ApiKey.create(name=name, owner=owner, token_hash=_digest(token), prefix=token[:8], created_by=admin)
        ApiKeySector.insert_many([{"key": key.id, "sector": sector.id} for sector in sectors]).execute()
        codes = ",".join(sector.code for sector in sectors)
        audit.record(admin, "api_key.issue", "api_key", str(key.id), "", f"{name} | {owner} | {codes}")
    return key, token


def revoke_key(admin: User, key: ApiKey) -> bool:
    """Stop the key at once and audit it; False when it was already revoked."""
    with write_transaction():
        revoked = (
            ApiKey.update(revoked_at=utcnow()).where((ApiKey.id == key.id) & ApiKey.revoked_at.is_null()).execute()
        )
        if revoked:
            audit.record(admin, "api_key.revoke", "api_key", str(key.id), "active", "revoked")
    return bool(revoked)


def keys() -> list[ApiKey]:
    """Every key, the active ones first, newest first; each with ``sectors`` (catalog records)."""
    found = list(ApiKey.select().order_by(ApiKey.revoked_at.is_null(False), ApiKey.created_at.desc(), ApiKey.id.desc()))
    sectors_of = {}
    for key_id, sector_id in ApiKeySector.select(ApiKeySector.key, ApiKeySector.sector).tuples():
        sectors_of.setdefault(key_id, []).append(sector_id)
    known = catalog.current().sector_by_id
    for key in found:
        key.sectors = [known[sector_id] for sector_id in sectors_of.get(key.id, []) if sector_id in known]
    return found


def key_by_id(key_id: int) -> ApiKey | None:
    return ApiKey.get_or_none(ApiKey.id == key_id)


def key_for(token) -> ApiKey | None:
    """The active key whose token this is, or None."""
    if not isinstance(token, str) or not 16 <= len(token) <= 128:
        return None
    return ApiKey.get_or_none((ApiKey.token_hash == _digest(token)) & ApiKey.revoked_at.is_null())


def may_post_to(key: ApiKey, sector_id: int) -> bool:
    return ApiKeySector.select().where((ApiKeySector.key == key) & (ApiKeySector.sector == sector_id)).exists()


# --- The catalog as the interface lists it --------------------------------------------


def services() -> list[Service]:
    """Every active service that takes requests, sector by sector in catalog order."""
    known = catalog.current()
    return [service for sector in known.sectors for service in known.choices(sector, "request")]


def service(code: str) -> Service | None:
    """The active service of this code that takes requests, or None (also for a retired one)."""
    known = catalog.current()
    found = known.service_by_code(code)
    return found if found is not None and found in known.choices(found.sector, "request") else None


# --- Sending ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    """Where a request is about, as the standard gives it: words, a national short address, or a point."""

    address: str = ""
    address_id: str = ""
    lat: float | None = None
    long: float | None = None


def account_for(national_id: str, phone: str = "") -> User | None:
    """The active beneficiary with this national ID; None when there is none or the phone given is not theirs."""
    national_id = normalize_digits(national_id or "")
    if national_id_problem(national_id):
        return None
    user = User.get_or_none(
        (User.national_id == national_id) & (User.role == Role.BENEFICIARY) & (User.active == True)  # noqa: E712
    )
    if user is None or (phone and normalize_digits(phone) != user.phone):
        return None
    return user


def submit(
    key: ApiKey,
    user: User,
    service: Service,
    subject: str,
    body: str,
    location: Location,
    media_url: str = "",
    link: pipeline.Link | None = None,
) -> ServiceRequest:
    """Send a request for ``user`` as the form does, and keep where it is about and which key sent it."""
    if not may_post_to(key, service.sector_id):
        raise Refused(NOT_THIS_SECTOR, code="sector")
    sector = catalog.current().sector_by_id[service.sector_id]
    with write_transaction():
        service_request = pipeline.submit(user, sector, service, subject, body, (), new_token(), link=link)
        ApiReport.create(
            request=service_request,
            key=key,
            address=location.address,
            address_id=location.address_id,
            lat=location.lat,
            long=location.long,
            media_url=media_url,
        )
    return service_request


# --- Reading ---------------------------------------------------------------------------


def _listed():
    """Requests with what the interface shows of them, and their report when one was sent through it."""
    return ServiceRequest.select(
        ServiceRequest.id,
        ServiceRequest.reference,
        ServiceRequest.sector,
        ServiceRequest.service,
        ServiceRequest.body,
        ServiceRequest.status,
        ServiceRequest.created_at,
        ServiceRequest.updated_at,
        ServiceRequest.due_date,
        ApiReport,
    ).join(ApiReport, JOIN.LEFT_OUTER, on=(ApiReport.request == ServiceRequest.id), attr="report")


def _with_catalog(rows) -> list[ServiceRequest]:
    known = catalog.current()
    rows = list(rows)
    for row in rows:
        row.sector = known.sector_by_id.get(row.sector_id) or row.sector
        row.service = known.service_by_id.get(row.service_id) or row.service
        if getattr(row, "report", None) is not None and row.report.id is None:
            row.report = None
    return rows


def by_references(references: Iterable[str]) -> list[ServiceRequest]:
    """The requests with these numbers, newest first."""
    query = _listed().where(ServiceRequest.reference.in_(list(references)))
    return _with_catalog(query.order_by(ServiceRequest.created_at.desc(), ServiceRequest.id.desc()))


def search(
    start: datetime, end: datetime, service: Service | None = None, statuses: Iterable[str] | None = None
) -> list[ServiceRequest]:
    """Requests made from ``start`` to ``end`` (stored UTC times), newest first, at most ``MAX_LISTED``."""
    query = _listed().where((ServiceRequest.created_at >= start) & (ServiceRequest.created_at <= end))
    if service is not None:
        query = query.where(ServiceRequest.service == service.id)
    if statuses is not None:
        query = query.where(ServiceRequest.status.in_(list(statuses)))
    query = query.order_by(ServiceRequest.created_at.desc(), ServiceRequest.id.desc()).limit(MAX_LISTED)
    return _with_catalog(query)


def by_token(token: str) -> ServiceRequest | None:
    """The request an interface submission with this token made, or None."""
    rows = _with_catalog(
        _listed().where((ServiceRequest.submission_token == token) & ApiReport.id.is_null(False)).limit(1)
    )
    return rows[0] if rows else None
