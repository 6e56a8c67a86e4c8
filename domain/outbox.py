"""Outgoing SMS and e-mail: written in the change's transaction, sent by the worker.

``queue_message`` writes a pending row and enqueues ``send_message`` once the
transaction commits, so a change that rolls back sends nothing and the worker
never looks for a row that is not there yet. The worker hands the message to
an adapter (``SMS_ADAPTER``: ``demo`` keeps it for /dev/outbox, ``gateway``
posts it to an SMS gateway) and retries with a growing delay until it is sent
or has failed ``OUTBOX_MAX_ATTEMPTS`` times. ``sweep_pending`` re-enqueues
what a lost enqueue or a stopped worker left pending.
"""

import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from datetime import timedelta

from flask import current_app
from huey import crontab
from huey.exceptions import RetryTask

import worker
from models import MessageState, OutboxMessage, after_commit, utcnow, write_transaction

logger = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The adapter could not hand the message over; it is tried again later."""


class DemoAdapter:
    """The demo's phone and mailbox: a sent message is what /dev/outbox shows."""

    def send(self, message: OutboxMessage) -> None:
        logger.info("demo %s to %s: %s", message.channel, message.recipient, message.body)


class SmsGateway:
    """An SMS gateway over HTTPS: a JSON POST signed with HMAC-SHA256 over its body.

    The gateway checks ``X-Tawasul-Signature: sha256=<hex>`` with the shared
    secret and may use ``reference`` to drop a message it has already sent
    (a message can be sent twice if a worker stops between sending and saving).
    """

    SIGNATURE_HEADER = "X-Tawasul-Signature"

    def __init__(self, url: str, secret: str, timeout: float):
        if not url or not secret:
            raise DeliveryError("SMS_GATEWAY_URL and SMS_GATEWAY_SECRET must both be set")
        self.url, self.secret, self.timeout = url, secret.encode(), timeout

    def body(self, message: OutboxMessage) -> bytes:
        payload = {"reference": f"tawasul-{message.id}", "to": message.recipient, "text": message.body}
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()

    def signature(self, body: bytes) -> str:
        return "sha256=" + hmac.new(self.secret, body, hashlib.sha256).hexdigest()

    def send(self, message: OutboxMessage) -> None:
        body = self.body(message)
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", self.SIGNATURE_HEADER: self.signature(body)},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            raise DeliveryError(f"the gateway answered {error.code}") from error
        except (urllib.error.URLError, OSError) as error:
            raise DeliveryError(f"the gateway did not answer: {error}") from error
        if not 200 <= status < 300:
            raise DeliveryError(f"the gateway answered {status}")


def adapter_for(channel: str):
    """The adapter that sends this channel (e-mail always goes to the demo mailbox for now)."""
    config = current_app.config
    if channel == "sms" and config["SMS_ADAPTER"] == "gateway":
        return SmsGateway(config["SMS_GATEWAY_URL"], config["SMS_GATEWAY_SECRET"], config["SMS_GATEWAY_TIMEOUT"])
    return DemoAdapter()


def queue_message(channel: str, recipient: str, subject: str, body: str) -> OutboxMessage:
    """Write a pending message; the worker is told of it once the transaction commits."""
    message = OutboxMessage.create(channel=channel, recipient=recipient, subject=subject, body=body)
    after_commit(lambda: send_message(message.id))
    return message


def deliver(message_id: int) -> str | None:
    """Try to send one pending message once; return its state afterwards (None: nothing to do).

    Raises ``DeliveryError`` when the attempt failed and another one is due.
    """
    message = OutboxMessage.get_or_none(OutboxMessage.id == message_id)
    if message is None or message.state != MessageState.PENDING:
        return None
    error = ""
    try:
        adapter_for(message.channel).send(message)
    except DeliveryError as failure:
        error = str(failure)
    attempts = message.attempts + 1
    if not error:
        state = MessageState.SENT
    elif attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        state = MessageState.FAILED
    else:
        state = MessageState.PENDING
    now = utcnow()
    with write_transaction():
        OutboxMessage.update(
            state=state,
            attempts=OutboxMessage.attempts + 1,
            last_error=error,
            tried_at=now,
            sent_at=now if state == MessageState.SENT else None,
        ).where((OutboxMessage.id == message.id) & (OutboxMessage.state == MessageState.PENDING)).execute()
    if state == MessageState.PENDING:
        raise DeliveryError(error)
    if state == MessageState.FAILED:
        logger.warning("message %s failed after %s attempts: %s", message.id, attempts, error)
    return state


def retry_delay(attempts: int) -> float:
    """Seconds before the next attempt: OUTBOX_RETRY_SECONDS, doubled after each failure."""
    return current_app.config["OUTBOX_RETRY_SECONDS"] * 2 ** max(attempts - 1, 0)


@worker.task()
def send_message(message_id: int) -> str | None:
    """Send one message; on a failure, huey runs this again after ``retry_delay``."""
    try:
        return deliver(message_id)
    except DeliveryError:
        delay = retry_delay(OutboxMessage.get_by_id(message_id).attempts)
        # No delay re-enqueues at once (as immediate mode in tests needs); a delay schedules the retry.
        raise RetryTask(delay=delay) if delay else RetryTask() from None


def stale_pending(older_than: timedelta):
    """Pending messages nobody has tried for ``older_than``: their enqueue or their worker was lost."""
    since = utcnow() - older_than
    return OutboxMessage.select(OutboxMessage.id).where(
        (OutboxMessage.state == MessageState.PENDING)
        & (OutboxMessage.created_at < since)
        & (OutboxMessage.tried_at.is_null() | (OutboxMessage.tried_at < since))
    )


def sweep_pending() -> int:
    """Enqueue again every message pending for too long; return how many."""
    older_than = timedelta(minutes=current_app.config["OUTBOX_SWEEP_MINUTES"])
    found = [row.id for row in stale_pending(older_than).order_by(OutboxMessage.created_at).limit(1000)]
    for message_id in found:
        send_message(message_id)
    return len(found)


@worker.periodic_task(crontab(minute="*/5"))
def sweep_outbox() -> None:
    """Every five minutes, re-enqueue what is pending too long."""
    swept = sweep_pending()
    if swept:
        logger.info("re-enqueued %s pending messages", swept)
