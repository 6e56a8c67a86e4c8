"""One notifier for SMS, e-mail and the portal's own notifications.

The transport is pluggable (``NOTIFIER_TRANSPORT``); the default keeps every
message in the outbox table, which is what a demo reads its one-time code from.
"""

from flask import current_app
from flask_babel import force_locale
from flask_babel.speaklater import LazyString

from models import Notification, OutboxMessage, User, utcnow


class OutboxTransport:
    """Keep messages in the database instead of sending them."""

    def send(self, channel, recipient, subject, body):
        OutboxMessage.create(channel=channel, recipient=recipient, subject=subject, body=body)


TRANSPORTS = {"outbox": OutboxTransport}


def transport():
    return TRANSPORTS[current_app.config["NOTIFIER_TRANSPORT"]]()


def send_sms(phone: str, body: str) -> None:
    transport().send("sms", phone, "", body)


def send_email(address: str, subject: str, body: str) -> None:
    transport().send("email", address, subject, body)


def notify(user: User, message: LazyString, link: str = "") -> None:
    """Tell a person something: a portal notification, an SMS and an e-mail.

    ``message`` is a lazy string (``_l("…", ref=…)``) so it can be rendered in
    both languages; the SMS and e-mail go out in Arabic.
    """
    with force_locale("ar"):
        text_ar = str(message)
    with force_locale("en"):
        text_en = str(message)
    Notification.create(user=user, text_ar=text_ar, text_en=text_en, link=link)
    send_sms(user.phone, text_ar)
    if user.email:
        send_email(user.email, text_ar[:200], f"{text_ar}\n\n{text_en}")


def mark_read(user: User, up_to: int) -> None:
    """Mark read the person's notifications they were shown: those up to the newest on their page.

    One that arrived after the page was drawn stays unread.
    """
    Notification.update(read_at=utcnow()).where(
        (Notification.user == user) & Notification.read_at.is_null() & (Notification.id <= up_to)
    ).execute()
