"""One notifier for SMS, e-mail and the portal's own notifications.

Everything is written in the caller's transaction: the portal notification,
and the SMS and e-mail as pending rows that the worker sends once that
transaction has committed (``domain.outbox``).
"""

from flask_babel import force_locale
from flask_babel.speaklater import LazyString

from domain.outbox import queue_message
from models import Notification, User, utcnow


def send_sms(phone: str, body: str) -> None:
    queue_message("sms", phone, "", body)


def send_email(address: str, subject: str, body: str) -> None:
    queue_message("email", address, subject, body)


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
