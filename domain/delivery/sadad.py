"""SADAD, the payment provider of the delivery fee, behind an adapter.

Both directions are JSON signed with HMAC-SHA256 over the raw body, with the
secret the portal and the provider share (``SADAD_SECRET``), in the header
``X-Sadad-Signature: sha256=<hex>``. The portal registers each bill with the
provider (``register_bill``, a task run after the bill's transaction commits);
the provider tells of a payment by posting a signed notice to the portal's
callback (``notice_body`` is its shape, ``domain.delivery.payments`` reads it).

``SADAD_ADAPTER`` picks the provider: ``gateway`` posts to ``SADAD_GATEWAY_URL``;
``demo`` keeps nothing and, in demo mode, lets the beneficiary pay from the
portal's «سداد تجريبي» page, which sends the very notice a bank would.
"""

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from decimal import Decimal

from flask import current_app

import worker
from models import SadadBill

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Sadad-Signature"


class ProviderError(Exception):
    """The provider could not be told; the task tries again later."""


def secret() -> bytes:
    """The shared secret; development without one signs with a key derived from SECRET_KEY.

    Outside development an unset secret stays empty, and every callback is refused.
    """
    config = current_app.config
    if config["SADAD_SECRET"]:
        return config["SADAD_SECRET"].encode()
    if config["TAWASUL_ENV"] == "development":
        return hmac.new(config["SECRET_KEY"].encode(), b"sadad-development", hashlib.sha256).hexdigest().encode()
    return b""


def sign(body: bytes, key: bytes | None = None) -> str:
    """The signature header's value for this raw body."""
    return "sha256=" + hmac.new(secret() if key is None else key, body, hashlib.sha256).hexdigest()


def signature_matches(body: bytes, header: str | None) -> bool:
    """Whether the header is this body's signature with the shared secret (compared in constant time)."""
    key = secret()
    if not key or not header:
        return False
    return hmac.compare_digest(sign(body, key).encode(), header.strip().encode("utf-8", "replace"))


def money(amount: Decimal) -> str:
    """An amount as both sides write it: riyals with two decimals, "35.00"."""
    return f"{amount.quantize(Decimal('0.01'))}"


def canonical(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def notice_body(bill_number: str, amount: Decimal, reference: str, sent_at: int | None = None) -> bytes:
    """The body of a payment notice as the provider posts it to the callback."""
    return canonical(
        {
            "bill_number": bill_number,
            "amount": money(amount),
            "payment_reference": reference,
            "timestamp": int(time.time()) if sent_at is None else sent_at,
        }
    )


def bill_payload(bill: SadadBill, action: str) -> dict:
    return {
        "action": action,
        "biller_code": current_app.config["SADAD_BILLER_CODE"],
        "bill_number": bill.bill_number,
        "amount": money(bill.amount),
        "due_at": bill.due_at.isoformat(timespec="seconds") + "Z",
        "timestamp": int(time.time()),
    }


class DemoSadad:
    """The demo's provider: bills are only logged, and paid from the «سداد تجريبي» page."""

    def register(self, bill: SadadBill) -> None:
        logger.info("demo SADAD bill %s of %s SAR due %s", bill.bill_number, money(bill.amount), bill.due_at)

    def pay(self, bill: SadadBill) -> tuple[bytes, str]:
        """The signed notice a bank would send for this bill: (body, signature header)."""
        body = notice_body(bill.bill_number, bill.amount, f"DEMO-{bill.bill_number}")
        return body, sign(body)


class SadadGateway:
    """A SADAD aggregator over HTTPS: each bill registered by a signed JSON POST."""

    def __init__(self, url: str, key: bytes, timeout: float):
        if not url or not key:
            raise ProviderError("SADAD_GATEWAY_URL and SADAD_SECRET must both be set")
        self.url, self.key, self.timeout = url, key, timeout

    def post(self, payload: dict) -> None:
        body = canonical(payload)
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", SIGNATURE_HEADER: sign(body, self.key)},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            raise ProviderError(f"SADAD answered {error.code}") from error
        except (urllib.error.URLError, OSError) as error:
            raise ProviderError(f"SADAD did not answer: {error}") from error
        if not 200 <= status < 300:
            raise ProviderError(f"SADAD answered {status}")

    def register(self, bill: SadadBill) -> None:
        self.post(bill_payload(bill, "register"))


def provider():
    """The adapter ``SADAD_ADAPTER`` names."""
    config = current_app.config
    if config["SADAD_ADAPTER"] == "gateway":
        return SadadGateway(config["SADAD_GATEWAY_URL"], secret(), config["SADAD_GATEWAY_TIMEOUT"])
    return DemoSadad()


def demo_payments() -> bool:
    """Whether the portal itself may pay bills (the «سداد تجريبي» page): the demo provider in demo mode."""
    config = current_app.config
    return bool(config["DEMO_MODE"]) and config["SADAD_ADAPTER"] == "demo"


@worker.task(retries=5, retry_delay=60)
def register_bill(bill_id: int) -> None:
    """Tell the provider of a new bill so that banks can show it; retried when it does not answer."""
    bill = SadadBill.get_or_none(SadadBill.id == bill_id)
    if bill is None:
        return
    provider().register(bill)
