"""The demo accounts and signing in through the real pages."""

import re

import models

DEMO = {
    "citizen": "1000000008",
    "resident": "2000000006",
    "agent": "1000000016",
    "desk": "1000000024",
    "officer": "1099999995",
    "admin": "1100000007",
}


PASSWORD = "demo1234"


def latest_code(phone, delivered=True):
    """The newest one-time code the worker delivered to the phone (the demo adapter's, as /dev/outbox shows).

    ``delivered=False`` reads it as written, for servers that run without a worker.
    """
    messages = models.OutboxMessage.select().where(
        (models.OutboxMessage.recipient == phone) & (models.OutboxMessage.channel == "sms")
    )
    if delivered:
        messages = messages.where(models.OutboxMessage.state == models.MessageState.SENT)
    message = messages.order_by(models.OutboxMessage.id.desc()).first()
    return re.search(r"\d{6}", message.body).group(0)


def sign_in(client, national_id, password=PASSWORD):
    """Sign in through the real pages: ID and password, then the SMS code."""
    page = client.submit("/login", {"national_id": national_id, "password": password})
    assert page.status == 303, page.text
    with client.application.app_context(), models.db.connection_context():
        phone = models.User.get(models.User.national_id == national_id).phone
        code = latest_code(phone)
    page = client.submit("/login/code", {"code": code})
    assert page.status == 303, page.text
    client.csrf_token = None  # signing in starts a new session, with a new token
    return client
