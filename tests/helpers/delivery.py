"""Deliveries requested through the pages or directly, and read back."""

import re

from flask import url_for

import models
from domain.dates import today
from domain.delivery import bills, moves, payments, requests, sadad
from domain.delivery.handover import Proof
from models import Delivery, Document, DocumentType, OutboxMessage, User
from tests.helpers.accounts import DEMO
from tests.helpers.addresses import ADDRESS
from tests.helpers.database import run_in


def track_link(delivery):
    """The link the views give the domain for a delivery's notifications."""
    return url_for("delivery.track", delivery_id=delivery.id)


def document_id(app, owner="citizen", type_code="passport"):
    return run_in(
        app,
        lambda: (
            Document.select(Document.id)
            .join(DocumentType)
            .switch(Document)
            .join(User)
            .where((User.national_id == DEMO[owner]) & (DocumentType.code == type_code))
            .scalar()
        ),
    )


def review(client, doc_id, **changes):
    return client.submit(f"/delivery/request/{doc_id}", dict(ADDRESS, **changes))


def request_delivery(client, doc_id, pay=True, **changes):
    """Fill in the address, review it, confirm and (unless ``pay`` is false) pay the bill: the delivery's id."""
    page = review(client, doc_id, **changes)
    assert page.status == 200, page.text
    data = page.form_values(f'form[action="/delivery/request/{doc_id}/confirm"]')
    confirmed = client.submit(f"/delivery/request/{doc_id}/confirm", data)
    assert confirmed.status == 303, confirmed.text
    delivery_id = int(confirmed.response.headers["Location"].split("/")[2])
    if pay:
        paid = client.submit(f"/delivery/{delivery_id}/demo-payment")
        assert paid.status == 303, paid.text
    return delivery_id


def bill(app, delivery_id):
    return run_in(app, lambda: bills.bill_of(delivery_id))


def notice(app, bill_number, amount="35.00", reference="REF-1", sent_at=None, key=None):
    """A payment notice as the provider posts it: (body, headers), signed with the shared secret or ``key``."""
    from decimal import Decimal

    with app.app_context():
        body = sadad.notice_body(bill_number, Decimal(amount), reference, sent_at)
        return body, {sadad.SIGNATURE_HEADER: sadad.sign(body, key), "Content-Type": "application/json"}


def pay_directly(delivery_id):
    """Pay a delivery's bill through the provider's notice, inside an open app context and connection."""
    body, signature = sadad.DemoSadad().pay(bills.bill_of(delivery_id))
    payments.confirm_payment(payments.read_notice(body, signature), track_link=track_link)


def delivery(app, delivery_id):
    return run_in(app, lambda: Delivery.get_by_id(delivery_id))


def document_status(app, doc_id):
    return run_in(app, lambda: Document.get_by_id(doc_id).status)


def sent_code(delivery_id):
    """The delivery code of the current attempt, as the beneficiary's last SMS about it says."""
    number = Delivery.get_by_id(delivery_id).tracking_number
    body = (
        OutboxMessage.select(OutboxMessage.body)
        .where(
            (OutboxMessage.channel == "sms")
            & OutboxMessage.body.contains(number)
            & OutboxMessage.body.contains("رمز التسليم")
        )
        .order_by(OutboxMessage.id.desc())
        .scalar()
    )
    return re.search(r"رمز التسليم (\d{4})", body).group(1)


def delivery_code(app, delivery_id):
    return run_in(app, lambda: sent_code(delivery_id))


def officer_moves(app, delivery_id, *statuses, note="", reason="other"):
    """Move a delivery along as the officer would (the officer's page is tested elsewhere).

    «تم التسليم» is proven with the code the beneficiary received, the old document collected;
    «تعذر التسليم» gives ``reason`` (by default "other", explained by ``note``).
    """
    with app.test_request_context(), models.db.connection_context():
        officer = User.get(User.national_id == DEMO["officer"])
        for status in statuses:
            current = Delivery.get_by_id(delivery_id)
            proof = Proof(code=sent_code(delivery_id), old_document_collected=True) if status == "delivered" else None
            moves.move(
                delivery_id,
                current.version,
                status,
                officer,
                "officer",
                note,
                track_link=track_link,
                proof=proof,
                reason=reason,
            )


def make_deliveries(app, count, owner="citizen", city="riyadh"):
    """Issue `count` more documents to a beneficiary, request their delivery directly and pay it."""
    ids = []
    with app.test_request_context(), models.db.connection_context():
        user = User.get(User.national_id == DEMO[owner])
        passport = DocumentType.get(DocumentType.code == "passport")
        branch = Document.select().where(Document.user == user).first().branch
        for number in range(count):
            document = Document.create(
                user=user, document_type=passport, number=f"X{number:07d}", branch=branch, issued_at=today()
            )
            made, _ = requests.request_delivery(
                user, document, dict(ADDRESS, city=city), f"bulk-{owner}-{number}", track_link=track_link
            )
            pay_directly(made.id)
            ids.append(made.id)
    return ids
