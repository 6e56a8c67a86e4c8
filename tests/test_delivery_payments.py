"""The SADAD bill of a delivery: issued on confirming, paid by the provider's signed callback
(good, replayed, forged, late and malformed notices), expired by the worker, refunded on cancelling."""

import json
import time
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine

import models
from domain.delivery import sadad
from models import BillStatus, Delivery, DeliveryEvent, DeliveryStatus, DocumentStatus, OutboxMessage, SadadBill
from tests.helpers.delivery import bill, delivery, document_id, document_status, notice, officer_moves, request_delivery

CALLBACK = "/hooks/sadad/payments"


def unpaid_delivery(app, client):
    """A confirmed delivery whose bill is still unpaid: (delivery id, bill number)."""
    delivery_id = request_delivery(client, document_id(app), pay=False)
    return delivery_id, bill(app, delivery_id).bill_number


def post_notice(client, body, headers):
    response = client.post(CALLBACK, data=body, headers=headers)
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:300]
    return response.status_code, response.get_json()


def events_and_messages(app, delivery_id):
    """What a change would leave behind: the delivery's version, its events, every message sent."""
    with app.app_context(), models.db.connection_context():
        return (
            Delivery.get_by_id(delivery_id).version,
            DeliveryEvent.select().where(DeliveryEvent.delivery == delivery_id).count(),
            OutboxMessage.select().count(),
            SadadBill.get(SadadBill.delivery == delivery_id).status,
        )


def test_confirming_issues_a_bill_and_the_delivery_waits_for_payment(app, citizen, officer, in_app):
    delivery_id, number = unpaid_delivery(app, citizen)
    made = delivery(app, delivery_id)
    assert made.status == DeliveryStatus.AWAITING_PAYMENT
    issued = bill(app, delivery_id)
    assert issued.amount == Decimal("35.00") and isinstance(issued.amount, Decimal)
    assert issued.status == BillStatus.UNPAID
    assert timedelta(hours=23, minutes=59) < issued.due_at - issued.created_at <= timedelta(hours=24)
    sms = in_app(lambda: OutboxMessage.select().where(OutboxMessage.body.contains(number)).get().body)
    assert made.tracking_number in sms and "35.00 ريال" in sms and "901" in sms

    page = citizen.page(f"/delivery/{delivery_id}")
    assert page.one("#delivery-status").text == "بانتظار السداد"
    assert page.one("#bill-number").text == number
    assert page.one('a[href$="/demo-payment"]').text == "سداد تجريبي"
    # The officer sees it waiting, and has nothing to do with it yet.
    row = officer.page("/officer/deliveries?status=awaiting_payment").one(f"#delivery-{delivery_id}")
    assert "بانتظار السداد" in row.text and not row.select("select")
    assert document_status(app, document_id(app)) == DocumentStatus.IN_DELIVERY


def test_a_signed_notice_pays_the_bill_once_and_a_repeat_changes_nothing(app, client, citizen):
    delivery_id, number = unpaid_delivery(app, citizen)
    body, headers = notice(app, number, reference="BANK-778")
    status, answer = post_notice(client, body, headers)
    assert (status, answer) == (200, {"ok": True, "result": "paid", "bill_number": number})
    paid = bill(app, delivery_id)
    assert (paid.status, paid.payment_reference) == (BillStatus.PAID, "BANK-778")
    assert delivery(app, delivery_id).status == DeliveryStatus.RECEIVED
    page = citizen.page(f"/delivery/{delivery_id}")
    assert page.one("#delivery-status").text == "تم استلام الطلب"
    assert "تاريخ السداد" in page.text and not page.select('a[href$="/demo-payment"]')
    assert "سُدّدت عبر سداد" in page.text

    before = events_and_messages(app, delivery_id)
    for _again in range(2):
        status, answer = post_notice(client, body, headers)
        assert (status, answer["ok"], answer["result"]) == (200, True, "already_paid")
    # The same bill paid under another reference is still one payment.
    status, answer = post_notice(client, *notice(app, number, reference="BANK-999"))
    assert (status, answer["result"]) == (200, "already_paid")
    assert events_and_messages(app, delivery_id) == before
    assert bill(app, delivery_id).payment_reference == "BANK-778"


def test_a_forged_notice_is_refused_and_changes_nothing(app, client, citizen):
    delivery_id, number = unpaid_delivery(app, citizen)
    before = events_and_messages(app, delivery_id)
    body, headers = notice(app, number, key=b"not-the-shared-secret")
    assert post_notice(client, body, headers)[0] == 401
    # Signed, then changed on the way: the signature is over the raw body.
    body, headers = notice(app, number, amount="1.00")
    tampered = body.replace(b'"1.00"', b'"35.00"')
    status, answer = post_notice(client, tampered, headers)
    assert (status, answer["error"]) == (401, "bad_signature")
    status, answer = post_notice(client, notice(app, number)[0], {"Content-Type": "application/json"})
    assert (status, answer["error"]) == (401, "bad_signature")
    assert answer["message"] == "The signature does not match."
    assert events_and_messages(app, delivery_id) == before


def test_a_signed_in_beneficiary_cannot_pay_by_posting_without_the_secret(app, citizen):
    delivery_id, number = unpaid_delivery(app, citizen)
    body, headers = notice(app, number, key=b"guessed")
    # The session cookie and a CSRF token prove nothing to the callback.
    status, answer = post_notice(citizen, body, dict(headers, **{"X-CSRFToken": citizen.csrf_token or ""}))
    assert (status, answer["error"]) == (401, "bad_signature")
    assert delivery(app, delivery_id).status == DeliveryStatus.AWAITING_PAYMENT


@pytest.mark.parametrize("age", [-301, 301, 3600])
def test_a_late_or_early_notice_is_refused(app, client, citizen, age):
    delivery_id, number = unpaid_delivery(app, citizen)
    body, headers = notice(app, number, sent_at=int(time.time()) - age)
    status, answer = post_notice(client, body, headers)
    assert (status, answer["error"]) == (401, "stale")
    assert bill(app, delivery_id).status == BillStatus.UNPAID


def test_a_notice_four_minutes_old_is_still_believed(app, client, citizen):
    delivery_id, number = unpaid_delivery(app, citizen)
    status, _answer = post_notice(client, *notice(app, number, sent_at=int(time.time()) - 240))
    assert status == 200 and bill(app, delivery_id).status == BillStatus.PAID


def signed(app, payload):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    with app.app_context():
        return body, {sadad.SIGNATURE_HEADER: sadad.sign(body), "Content-Type": "application/json"}


MALFORMED = [
    b"",
    b"not json",
    b"\xff\xfe\x00",
    b"[1, 2]",
    b'"a string"',
    b"null",
    {"amount": "35.00", "payment_reference": "R", "timestamp": 0},
    {"bill_number": 144800000001, "amount": "35.00", "payment_reference": "R"},
    {"bill_number": "1448'; DROP TABLE sadadbill; --", "amount": "35.00", "payment_reference": "R"},
    {"bill_number": "144800000001", "amount": 35.0, "payment_reference": "R"},
    {"bill_number": "144800000001", "amount": "35", "payment_reference": "R"},
    {"bill_number": "144800000001", "amount": "1e3", "payment_reference": "R"},
    {"bill_number": "144800000001", "amount": "35.00", "payment_reference": ""},
    {"bill_number": "144800000001", "amount": "35.00", "payment_reference": "R\x00"},
    {"bill_number": "144800000001", "amount": "35.00", "payment_reference": "R", "timestamp": "now"},
    {"bill_number": "144800000001", "amount": "35.00", "payment_reference": "R", "timestamp": True},
    {"bill_number": "144800000001", "amount": "35.00", "payment_reference": "R", "timestamp": 1e308},
]


@pytest.mark.parametrize("payload", MALFORMED, ids=range(len(MALFORMED)))
def test_a_malformed_notice_is_refused_clearly_even_when_signed(app, client, citizen, payload):
    delivery_id, number = unpaid_delivery(app, citizen)
    if isinstance(payload, dict) and "timestamp" not in payload:
        payload = dict(payload, timestamp=int(time.time()))
    status, answer = post_notice(client, *signed(app, payload))
    assert status == 400 and answer["ok"] is False and answer["error"] == "malformed" and answer["message"]
    assert bill(app, delivery_id).status == BillStatus.UNPAID


def test_unknown_bills_other_amounts_and_huge_bodies_are_refused(app, client, citizen):
    delivery_id, number = unpaid_delivery(app, citizen)
    status, answer = post_notice(client, *notice(app, "999900000001"))
    assert (status, answer["error"]) == (404, "unknown_bill")
    status, answer = post_notice(client, *notice(app, number, amount="30.00"))
    assert (status, answer["error"]) == (422, "amount_mismatch")
    status, answer = post_notice(client, *signed(app, b"{" + b" " * 10_000 + b"}"))
    assert (status, answer["error"]) == (413, "too_large")
    assert bill(app, delivery_id).status == BillStatus.UNPAID


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {sadad.SIGNATURE_HEADER: ""},
        {sadad.SIGNATURE_HEADER: "sha256=" + "0" * 64},
        {sadad.SIGNATURE_HEADER: "sha256=zz\u202e"},
        {sadad.SIGNATURE_HEADER: "x" * 5000},
        {"Content-Type": "application/x-www-form-urlencoded"},
        {"Content-Type": "multipart/form-data; boundary=x"},
    ],
)
def test_odd_requests_are_answered_in_json_never_500(app, client, headers):
    response = client.post(CALLBACK, data=b"bill_number=1&amount=35.00", headers=headers)
    assert response.status_code == 401 and response.get_json()["error"] == "bad_signature"
    assert client.get(CALLBACK).status_code == 405


def test_without_a_secret_outside_development_every_notice_is_refused(app, client, citizen, monkeypatch):
    _delivery_id, number = unpaid_delivery(app, citizen)
    body, headers = notice(app, number)
    monkeypatch.setitem(app.config, "TAWASUL_ENV", "production")
    monkeypatch.setitem(app.config, "SADAD_SECRET", "")
    status, answer = post_notice(client, body, headers)
    assert (status, answer["error"]) == (503, "not_configured")
    # With the shared secret set, the provider's notices are believed again.
    monkeypatch.setitem(app.config, "SADAD_SECRET", "a-secret-shared-with-the-provider")
    status, answer = post_notice(client, *notice(app, number))
    assert status == 200 and answer["result"] == "paid"


def test_the_demo_payment_page_sends_the_signed_notice(app, citizen, resident):
    delivery_id, number = unpaid_delivery(app, citizen)
    page = citizen.page(f"/delivery/{delivery_id}/demo-payment")
    assert page.status == 200 and page.one("h1").text == "سداد تجريبي"
    assert page.one("#bill-number").text == number
    assert resident.page(f"/delivery/{delivery_id}/demo-payment").status == 404
    assert resident.submit(f"/delivery/{delivery_id}/demo-payment").status == 404
    paid = citizen.submit(page.one('form[action$="/demo-payment"]')["action"])
    assert paid.status == 303
    page = citizen.page(paid.response.headers["Location"])
    assert "سُدّدت الفاتورة، واستُلم طلب التوصيل" in page.text
    assert page.one("#delivery-status").text == "تم استلام الطلب"
    assert bill(app, delivery_id).payment_reference == f"DEMO-{number}"
    again = citizen.submit(f"/delivery/{delivery_id}/demo-payment")
    assert "سُدّدت هذه الفاتورة من قبل" in citizen.page(again.response.headers["Location"]).text


def test_no_demo_payment_outside_demo_mode(app, citizen, monkeypatch):
    delivery_id, _number = unpaid_delivery(app, citizen)
    monkeypatch.setitem(app.config, "SADAD_ADAPTER", "gateway")
    assert citizen.page(f"/delivery/{delivery_id}/demo-payment").status == 404
    assert not citizen.page(f"/delivery/{delivery_id}").select('a[href$="/demo-payment"]')


def test_an_unpaid_bill_expires_and_the_document_is_ready_again(app, client, citizen, in_app, monkeypatch):
    from views.delivery.tasks import expire_unpaid_bills

    monkeypatch.setitem(app.config, "SADAD_BILL_HOURS", 2)
    doc_id = document_id(app)
    delivery_id, number = unpaid_delivery(app, citizen)
    body, headers = notice(app, number)
    assert in_app(expire_unpaid_bills.call_local) == 0
    assert bill(app, delivery_id).status == BillStatus.UNPAID
    with time_machine.travel(models.utcnow() + timedelta(hours=2, minutes=1), tick=False):
        # A notice for a bill past its due time is refused even before the task has run.
        late_body, late_headers = notice(app, number)
        status, answer = post_notice(client, late_body, late_headers)
        assert (status, answer["error"]) == (409, "bill_expired")
        assert in_app(expire_unpaid_bills.call_local) == 1
        assert in_app(expire_unpaid_bills.call_local) == 0  # a second run finds nothing left to do
    assert bill(app, delivery_id).status == BillStatus.EXPIRED
    assert delivery(app, delivery_id).status == DeliveryStatus.PAYMENT_EXPIRED
    assert document_status(app, doc_id) == DocumentStatus.READY
    expired_sms = in_app(
        lambda: (
            OutboxMessage.select()
            .where(OutboxMessage.body.contains("فانتهت") & (OutboxMessage.channel == "sms"))
            .select(OutboxMessage.body)
            .tuples()
        )
    )
    assert len(expired_sms) == 1
    page = citizen.page(f"/delivery/{delivery_id}")
    assert page.one("#delivery-status").text == "انتهت مهلة السداد"
    assert not page.select('form[action$="/cancel"]')
    assert post_notice(client, body, headers)[1]["error"] == "bill_expired"
    # The document can be requested again, with a new bill.
    again = request_delivery(citizen, doc_id)
    assert bill(app, again).bill_number != number and delivery(app, again).status == DeliveryStatus.RECEIVED


def test_cancelling_an_unpaid_delivery_cancels_its_bill(app, client, citizen):
    delivery_id, number = unpaid_delivery(app, citizen)
    page = citizen.page(f"/delivery/{delivery_id}/cancel")  # the page that asks first
    form = page.one('form[action$="/cancel"]')
    assert citizen.submit(form["action"], page.form_values(form)).status == 303
    assert bill(app, delivery_id).status == BillStatus.CANCELLED
    status, answer = post_notice(client, *notice(app, number))
    assert (status, answer["error"]) == (409, "bill_cancelled")
    assert delivery(app, delivery_id).status == DeliveryStatus.CANCELLED
    assert not bill(app, delivery_id).refund_due


def test_cancelling_after_payment_marks_a_refund_the_officer_sees(app, citizen, officer):
    delivery_id = request_delivery(citizen, document_id(app))
    officer_moves(app, delivery_id, "preparing")
    page = citizen.page(f"/delivery/{delivery_id}/cancel")  # the page that asks first
    form = page.one('form[action$="/cancel"]')
    assert citizen.submit(form["action"], page.form_values(form)).status == 303
    refunded = bill(app, delivery_id)
    assert refunded.status == BillStatus.PAID and refunded.refund_due
    assert "سيُعاد إليك مبلغ 35.00 ريال" in citizen.page(f"/delivery/{delivery_id}").text
    row = officer.page("/officer/deliveries?status=cancelled").one(f"#delivery-{delivery_id}")
    assert row.select_one(".refund-due").text.startswith("مبلغ مستحق الاسترداد: 35.00 ريال")
    assert refunded.bill_number in row.select_one(".refund-due").text


def test_the_fee_is_exact_to_the_halala(app, client, citizen, monkeypatch):
    monkeypatch.setitem(app.config, "DELIVERY_FEE_SAR", Decimal("35.10"))
    delivery_id, number = unpaid_delivery(app, citizen)
    assert bill(app, delivery_id).amount == Decimal("35.10")
    assert "35.10 ريال" in citizen.page(f"/delivery/{delivery_id}").text
    assert post_notice(client, *notice(app, number, amount="35.00"))[1]["error"] == "amount_mismatch"
    assert post_notice(client, *notice(app, number, amount="35.10"))[1]["result"] == "paid"


def test_the_gateway_registers_each_bill_signed(app, citizen, gateway, monkeypatch):
    monkeypatch.setitem(app.config, "SADAD_ADAPTER", "gateway")
    monkeypatch.setitem(app.config, "SADAD_GATEWAY_URL", gateway.url)
    monkeypatch.setitem(app.config, "SADAD_SECRET", "sadad-shared-secret")
    delivery_id, number = unpaid_delivery(app, citizen)
    registered = [body for _headers, body in gateway.received if b'"action":"register"' in body]
    assert len(registered) == 1
    headers = next(headers for headers, body in gateway.received if body == registered[0])
    with app.app_context():
        assert headers[sadad.SIGNATURE_HEADER] == sadad.sign(registered[0], b"sadad-shared-secret")
    payload = json.loads(registered[0])
    assert payload["bill_number"] == number and payload["amount"] == "35.00" and payload["biller_code"] == "901"
    assert payload["due_at"].endswith("Z")
    assert delivery(app, delivery_id).status == DeliveryStatus.AWAITING_PAYMENT
