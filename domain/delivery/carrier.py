"""Saudi Post's own events for a tracking number, posted to a signed webhook.

The scheme is the payment callback's: HMAC-SHA256 over the raw body with the
secret shared with Saudi Post (``SAUDI_POST_SECRET``) in ``X-Saudi-Post-Signature``,
a timestamp in the body within ``SADAD_CALLBACK_TOLERANCE_SECONDS``, and the
event's id as its idempotency key. An event is applied by ``moves.move`` with
the carrier as the actor, so the pipeline's rules are the officer's: handed to
post, out for delivery, delivered with the beneficiary's code, failed with a
reason code. What the rules refuse is answered with its reason, logged, and
kept with its id (``CarrierEvent``), never applied; the same id again answers
what the first one got and changes nothing.
"""

import hashlib
import hmac
import json
import logging
import re
import time
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from domain import counts
from domain.delivery import moves, pipeline, sadad
from domain.delivery.handover import Proof
from domain.delivery.moves import TrackLink
from domain.errors import Conflict, Refused
from models import CarrierEvent, Delivery, DeliveryStatus, Role, User, write_transaction

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Saudi-Post-Signature"
MAX_EVENT_BYTES = 4096
# The carrier's account: no person's ID starts with 0, and it has no password to sign in with.
CARRIER_ID = "0000000000"

EVENTS = {
    "handed_to_post": DeliveryStatus.HANDED_TO_POST,
    "out_for_delivery": DeliveryStatus.OUT_FOR_DELIVERY,
    "delivered": DeliveryStatus.DELIVERED,
    "failed": DeliveryStatus.FAILED,
}

REFUSALS = {
    "not_configured": 503,
    "busy": 503,
    "too_large": 413,
    "bad_signature": 401,
    "stale": 401,
    "malformed": 400,
    "unknown_tracking": 404,
    "refused": 422,
    "proof_incomplete": 422,
    "proof_wrong": 422,
    "proof_locked": 422,
}

EVENT_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
TRACKING = re.compile(r"[A-Z]{2}[0-9]{9}[A-Z]{2}")


@dataclass(frozen=True)
class Event:
    event_id: str
    tracking_number: str
    kind: str
    code: str = ""
    old_document_collected: bool | None = None
    reason: str = ""
    note: str = ""


def secret() -> bytes:
    """The secret shared with Saudi Post; development without one derives it from SECRET_KEY."""
    config = current_app.config
    if config["SAUDI_POST_SECRET"]:
        return config["SAUDI_POST_SECRET"].encode()
    if config["TAWASUL_ENV"] == "development":
        return hmac.new(config["SECRET_KEY"].encode(), b"saudi-post-development", hashlib.sha256).hexdigest().encode()
    return b""


def refuse(code: str, message, event_id: str = "") -> Refused:
    logger.warning("Saudi Post event %r refused (%s): %s", event_id, code, message)
    return Refused(message, code)


def read_event(body: bytes, signature: str | None, now: float | None = None) -> Event:
    """Check an event's signature, then its shape and timestamp; Refused with a code when it fails."""
    key = secret()
    if not key:
        raise refuse("not_configured", _l("Saudi Post events are not configured."))
    if len(body) > MAX_EVENT_BYTES:
        raise refuse("too_large", _l("The event is too large."))
    if not signature or not hmac.compare_digest(
        sadad.sign(body, key).encode(), signature.strip().encode("utf-8", "replace")
    ):
        raise refuse("bad_signature", _l("The signature does not match."))
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise refuse("malformed", _l("The event is not JSON.")) from None
    if not isinstance(payload, dict):
        raise refuse("malformed", _l("The event is not a JSON object."))
    event_id = payload.get("event_id")
    if not (isinstance(event_id, str) and EVENT_ID.fullmatch(event_id)):
        raise refuse("malformed", _l("The event id is missing or not one."))
    number, kind, sent_at = payload.get("tracking_number"), payload.get("event"), payload.get("timestamp")
    if not (isinstance(number, str) and TRACKING.fullmatch(number)):
        raise refuse("malformed", _l("The tracking number is missing or not one."), event_id)
    if kind not in EVENTS:
        raise refuse("malformed", _l("The event is not one Saudi Post sends."), event_id)
    if not isinstance(sent_at, int) or isinstance(sent_at, bool):
        raise refuse("malformed", _l("The timestamp must be a whole number of seconds."), event_id)
    now = time.time() if now is None else now
    if abs(now - sent_at) > current_app.config["SADAD_CALLBACK_TOLERANCE_SECONDS"]:
        raise refuse("stale", _l("The event is too old or from the future."), event_id)
    code, collected = payload.get("code", ""), payload.get("old_document_collected")
    reason, note = payload.get("reason", ""), payload.get("note", "")
    if not (isinstance(code, str) and isinstance(reason, str) and isinstance(note, str) and len(note) <= 300):
        raise refuse("malformed", _l("The code, reason and note must be text."), event_id)
    if collected is not None and not isinstance(collected, bool):
        raise refuse("malformed", _l("Whether the old document was collected is true or false."), event_id)
    return Event(event_id, number, kind, code, collected, reason, note.replace("\x00", ""))


def carrier_account() -> User:
    """The account the carrier's steps are written under, made the first time it is needed."""
    found = User.get_or_none(User.national_id == CARRIER_ID)
    if found is not None:
        return found
    try:
        with write_transaction():
            user = User.create(
                national_id=CARRIER_ID,
                name_ar="البريد السعودي",
                name_en="Saudi Post",
                phone="",
                password_hash="!",
                role=Role.CARRIER,
                active=False,
            )
            counts.added(counts.ACCOUNT, "", Role.CARRIER)
        return user
    except IntegrityError:
        return User.get(User.national_id == CARRIER_ID)


def _keep(event: Event, delivery_id: int | None, outcome: str, error: str = "", message: str = "") -> None:
    CarrierEvent.create(
        event_id=event.event_id,
        delivery=delivery_id,
        tracking_number=event.tracking_number,
        event=event.kind,
        outcome=outcome,
        error=error,
        message=message,
    )


def _keep_refusal(event: Event, delivery_id: int | None, refused: Refused) -> Refused:
    """Keep a refused event with its reason (unless the same id got there first); the refusal to raise."""
    code = refused.code if refused.code in REFUSALS else "refused"
    with force_locale("en"):
        message = str(refused.message)
    try:
        with write_transaction():
            _keep(event, delivery_id, "refused", code, message)
    except IntegrityError:
        pass
    return refuse(code, refused.message, event.event_id)


def apply(event: Event, *, track_link: TrackLink) -> tuple[CarrierEvent, bool]:
    """Apply an event once; return (its record, applied now). Refused, kept and logged when the rules say no.

    An id seen before returns its first record, whatever this one says.
    """
    seen = CarrierEvent.get_or_none(CarrierEvent.event_id == event.event_id)
    if seen is not None:
        return seen, False
    delivery = Delivery.get_or_none(Delivery.tracking_number == event.tracking_number)
    if delivery is None:
        raise _keep_refusal(event, None, Refused(_l("No delivery has this tracking number."), "unknown_tracking"))
    target = EVENTS[event.kind]
    proof = None
    if target == DeliveryStatus.DELIVERED:
        proof = Proof(code=event.code, old_document_collected=event.old_document_collected)
    try:
        moves.move(
            delivery.id,
            delivery.version,
            target,
            carrier_account(),
            pipeline.CARRIER,
            event.note,
            track_link=track_link,
            proof=proof,
            reason=event.reason,
            also=lambda moved: _keep(event, moved.id, "applied"),
        )
    except IntegrityError:
        # The same event arrived twice at once; the other one was kept, this one changed nothing.
        return CarrierEvent.get(CarrierEvent.event_id == event.event_id), False
    except Refused as refused:
        raise _keep_refusal(event, delivery.id, refused) from None
    except Conflict:
        # The delivery changed as this was applied: nothing is kept, so Saudi Post may send it again.
        raise refuse("busy", _l("The delivery changed meanwhile; send the event again."), event.event_id) from None
    return CarrierEvent.get(CarrierEvent.event_id == event.event_id), True
