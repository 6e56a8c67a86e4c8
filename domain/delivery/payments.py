"""Payments of delivery bills: the provider's signed notice, and the expiry of unpaid bills.

A notice is believed only when its signature is the body's HMAC-SHA256 with the
shared secret and its timestamp is within ``SADAD_CALLBACK_TOLERANCE_SECONDS``
of now; the bill number is its idempotency key, so a notice repeated for a paid
bill answers "already paid" and changes nothing. Every refusal is a ``Refused``
with a code the callback answers with (``REFUSALS``), and is logged.
"""

import json
import logging
import re
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask import current_app
from flask_babel import lazy_gettext as _l

from domain.delivery import moves, pipeline, sadad
from domain.delivery.moves import TrackLink
from domain.errors import Conflict, Refused
from models import BillStatus, Delivery, DeliveryStatus, SadadBill, utcnow, write_transaction

logger = logging.getLogger(__name__)

# A refusal's code -> the HTTP status the callback answers with.
REFUSALS = {
    "not_configured": 503,
    "busy": 503,
    "too_large": 413,
    "bad_signature": 401,
    "malformed": 400,
    "stale": 401,
    "unknown_bill": 404,
    "amount_mismatch": 422,
    "bill_expired": 409,
    "bill_cancelled": 409,
}

MAX_NOTICE_BYTES = 4096
BILL_NUMBER = re.compile(r"[0-9]{6,20}")
AMOUNT = re.compile(r"[0-9]{1,7}\.[0-9]{2}")
REFERENCE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


@dataclass(frozen=True)
class Notice:
    """A payment notice that passed its checks."""

    bill_number: str
    amount: Decimal
    reference: str
    sent_at: int


def refuse(code: str, message, bill_number: str = "") -> Refused:
    logger.warning("SADAD notice refused (%s) for bill %r", code, bill_number)
    return Refused(message, code)


def read_notice(body: bytes, signature: str | None, now: float | None = None) -> Notice:
    """Check a notice's signature, then its shape and its timestamp; Refused with a code when it fails."""
    if not sadad.secret():
        raise refuse("not_configured", _l("Payments are not configured."))
    if len(body) > MAX_NOTICE_BYTES:
        raise refuse("too_large", _l("The notice is too large."))
    # The signature first: nothing in a body that is not the provider's is read.
    if not sadad.signature_matches(body, signature):
        raise refuse("bad_signature", _l("The signature does not match."))
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise refuse("malformed", _l("The notice is not JSON.")) from None
    if not isinstance(payload, dict):
        raise refuse("malformed", _l("The notice is not a JSON object."))
    number, amount, reference, sent_at = (
        payload.get(key) for key in ("bill_number", "amount", "payment_reference", "timestamp")
    )
    if not (isinstance(number, str) and BILL_NUMBER.fullmatch(number)):
        raise refuse("malformed", _l("The bill number is missing or not one."))
    if not (isinstance(amount, str) and AMOUNT.fullmatch(amount)):
        raise refuse("malformed", _l("The amount must be written like 35.00."), number)
    if not (isinstance(reference, str) and REFERENCE.fullmatch(reference)):
        raise refuse("malformed", _l("The payment reference is missing or not one."), number)
    if not isinstance(sent_at, int) or isinstance(sent_at, bool):
        raise refuse("malformed", _l("The timestamp must be a whole number of seconds."), number)
    now = time.time() if now is None else now
    if abs(now - sent_at) > current_app.config["SADAD_CALLBACK_TOLERANCE_SECONDS"]:
        raise refuse("stale", _l("The notice is too old or from the future."), number)
    try:
        value = Decimal(amount)
    except InvalidOperation:  # the pattern allows only what Decimal reads; kept for safety
        raise refuse("malformed", _l("The amount must be written like 35.00."), number) from None
    return Notice(number, value, reference, sent_at)


def confirm_payment(notice: Notice, *, track_link: TrackLink) -> tuple[SadadBill, bool]:
    """Mark the bill paid and the delivery «تم استلام الطلب»; return (bill, changed).

    A bill already paid returns unchanged (the notice was repeated). Refused
    for an unknown, expired or cancelled bill, or another amount.
    """
    for _attempt in range(3):
        try:
            return _confirm(notice, track_link)
        except Conflict:
            # The beneficiary changed the address at the same moment: read the delivery again.
            continue
    raise refuse("busy", _l("The delivery keeps changing; send the notice again."), notice.bill_number)


def _confirm(notice, track_link):
    with write_transaction():
        bill = SadadBill.get_or_none(SadadBill.bill_number == notice.bill_number)
        if bill is None:
            raise refuse("unknown_bill", _l("No such bill."), notice.bill_number)
        if bill.status == BillStatus.PAID:
            if bill.payment_reference != notice.reference:
                logger.warning("bill %s paid again under another reference %r", bill.bill_number, notice.reference)
            return bill, False
        if bill.status == BillStatus.CANCELLED:
            raise refuse("bill_cancelled", _l("The bill was cancelled."), notice.bill_number)
        if bill.status == BillStatus.EXPIRED or utcnow() > bill.due_at:
            raise refuse("bill_expired", _l("The bill has expired."), notice.bill_number)
        if notice.amount != bill.amount:
            raise refuse("amount_mismatch", _l("The amount is not the bill's."), notice.bill_number)
        claimed = (
            SadadBill.update(status=BillStatus.PAID, paid_at=utcnow(), payment_reference=notice.reference)
            .where((SadadBill.id == bill.id) & (SadadBill.status == BillStatus.UNPAID))
            .execute()
        )
        if not claimed:
            # Another notice for the same bill won the race: read what it did.
            raise Conflict(bill)
        delivery = Delivery.get_by_id(bill.delivery_id)
        moves.move(
            delivery.id,
            delivery.version,
            DeliveryStatus.RECEIVED,
            delivery.user,
            pipeline.PAYMENT,
            str(_l("Paid through SADAD, bill %(bill)s.", bill=bill.bill_number)),
            track_link=track_link,
        )
    return SadadBill.get_by_id(bill.id), True


def expire_unpaid(*, track_link: TrackLink, limit: int = 500) -> int:
    """Expire the unpaid bills past their due time, freeing their documents; return how many."""
    now = utcnow()
    due = (
        SadadBill.select(SadadBill.id, SadadBill.delivery)
        .where((SadadBill.status == BillStatus.UNPAID) & (SadadBill.due_at < now))
        .order_by(SadadBill.due_at)
        .limit(limit)
    )
    expired = 0
    for bill in list(due):
        try:
            with write_transaction():
                claimed = (
                    SadadBill.update(status=BillStatus.EXPIRED)
                    .where((SadadBill.id == bill.id) & (SadadBill.status == BillStatus.UNPAID))
                    .execute()
                )
                if not claimed:
                    continue
                delivery = Delivery.get_by_id(bill.delivery_id)
                moves.move(
                    delivery.id,
                    delivery.version,
                    DeliveryStatus.PAYMENT_EXPIRED,
                    delivery.user,
                    pipeline.SYSTEM,
                    track_link=track_link,
                )
        except (Refused, Conflict):
            # Left unpaid for the next run, which reads the delivery again.
            logger.warning("the bill of delivery %s could not expire now", bill.delivery_id)
            continue
        expired += 1
    return expired


def bill_for_demo(bill: SadadBill) -> tuple[bytes, str]:
    """The signed notice the demo provider sends for this bill."""
    return sadad.DemoSadad().pay(bill)
