"""Saudi Post's signed events: applied by the officer's pipeline rules, once per event id;
refused, forged, late and malformed ones answered clearly, logged and never applied."""

import json
import logging
import time

import pytest

from domain.delivery import carrier, sadad
from models import CarrierEvent, DeliveryEvent, DeliveryStatus, User
from tests.helpers.delivery import delivery, delivery_code, document_id, officer_moves, request_delivery

EVENTS = "/hooks/saudi-post/events"


def signed(app, payload, key=None):
    body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    with app.app_context():
        signature = sadad.sign(body, carrier.secret() if key is None else key)
    return body, {carrier.SIGNATURE_HEADER: signature, "Content-Type": "application/json"}


def event(app, event_id, number, kind, key=None, **extra):
    payload = {"event_id": event_id, "tracking_number": number, "event": kind, "timestamp": int(time.time()), **extra}
    return signed(app, payload, key)


def post(client, body, headers):
    response = client.post(EVENTS, data=body, headers=headers)
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:300]
    return response.status_code, response.get_json()


def prepared(app, citizen):
    delivery_id = request_delivery(citizen, document_id(app))
    officer_moves(app, delivery_id, "preparing")
    return delivery_id, delivery(app, delivery_id).tracking_number


def steps(in_app, delivery_id):
    return in_app(
        lambda: [
            (e.to_status, e.author.national_id, e.reason)
            for e in DeliveryEvent.select().where(DeliveryEvent.delivery == delivery_id).order_by(DeliveryEvent.id)
        ]
    )


def test_events_move_the_delivery_once_each(app, client, citizen, in_app):
    delivery_id, number = prepared(app, citizen)
    status, answer = post(client, *event(app, "ev-1", number, "handed_to_post"))
    assert (status, answer["ok"], answer["result"]) == (200, True, "applied")
    assert delivery(app, delivery_id).status == DeliveryStatus.HANDED_TO_POST
    before = steps(in_app, delivery_id)
    assert before[-1] == ("handed_to_post", carrier.CARRIER_ID, "")
    # The same event again, even re-signed later: answered, nothing applied twice.
    status, answer = post(client, *event(app, "ev-1", number, "handed_to_post"))
    assert (status, answer["result"], answer["duplicate"]) == (200, "duplicate", True)
    assert steps(in_app, delivery_id) == before

    assert post(client, *event(app, "ev-2", number, "out_for_delivery"))[0] == 200
    code = delivery_code(app, delivery_id)
    status, answer = post(client, *event(app, "ev-3", number, "delivered", code=code, old_document_collected=True))
    assert (status, answer["result"]) == (200, "applied")
    assert delivery(app, delivery_id).status == DeliveryStatus.DELIVERED
    page = citizen.page(f"/delivery/{delivery_id}")
    assert "سُلّمت مقابل رمز التسليم" in page.select(".timeline li")[-1].text
    # The carrier's account can never sign in.
    assert in_app(lambda: User.get(User.national_id == carrier.CARRIER_ID).active) is False


def test_a_failure_needs_a_reason_from_the_list(app, client, citizen, in_app):
    delivery_id, number = prepared(app, citizen)
    post(client, *event(app, "a", number, "handed_to_post"))
    post(client, *event(app, "b", number, "out_for_delivery"))
    status, answer = post(client, *event(app, "c", number, "failed", note="no one"))
    assert (status, answer["error"]) == (422, "refused")
    assert answer["message"] == "Choose why the delivery failed."
    status, answer = post(client, *event(app, "d", number, "failed", reason="nobody_home"))
    assert status == 200
    assert steps(in_app, delivery_id)[-1] == ("failed", carrier.CARRIER_ID, "nobody_home")
    assert "لا يوجد أحد في العنوان" in citizen.page(f"/delivery/{delivery_id}").text


def test_refused_events_are_answered_kept_logged_and_never_applied(app, client, citizen, in_app, caplog):
    delivery_id, number = prepared(app, citizen)
    caplog.set_level(logging.WARNING, logger="domain.delivery.carrier")
    # Delivered while still being prepared: the pipeline says no.
    status, answer = post(client, *event(app, "skip", number, "delivered", code="1234", old_document_collected=True))
    assert (status, answer["ok"], answer["error"]) == (422, False, "refused")
    assert "cannot be moved" in answer["message"]
    assert any("skip" in record.getMessage() for record in caplog.records)
    kept = in_app(lambda: CarrierEvent.get(CarrierEvent.event_id == "skip"))
    assert (kept.outcome, kept.error) == ("refused", "refused")
    assert delivery(app, delivery_id).status == DeliveryStatus.PREPARING
    # The same id later, when the move would be allowed, still changes nothing.
    post(client, *event(app, "hand", number, "handed_to_post"))
    status, answer = post(client, *event(app, "skip", number, "out_for_delivery"))
    assert (status, answer["error"], answer["duplicate"]) == (422, "refused", True)
    assert delivery(app, delivery_id).status == DeliveryStatus.HANDED_TO_POST

    status, answer = post(client, *event(app, "nobody", "RR999999999SA", "handed_to_post"))
    assert (status, answer["error"]) == (404, "unknown_tracking")


def test_a_delivery_needs_the_right_code_and_wrong_ones_are_counted(app, client, citizen):
    delivery_id, number = prepared(app, citizen)
    post(client, *event(app, "1", number, "handed_to_post"))
    post(client, *event(app, "2", number, "out_for_delivery"))
    code = delivery_code(app, delivery_id)
    wrong = f"{(int(code) + 1) % 10000:04d}"
    status, answer = post(client, *event(app, "3", number, "delivered", code=wrong, old_document_collected=False))
    assert (status, answer["error"]) == (422, "proof_wrong")
    status, answer = post(client, *event(app, "4", number, "delivered", old_document_collected=False))
    assert (status, answer["error"]) == (422, "proof_incomplete")
    assert delivery(app, delivery_id).handover_tries == 1
    assert delivery(app, delivery_id).status == DeliveryStatus.OUT_FOR_DELIVERY


def test_forged_late_and_malformed_events_are_refused_and_not_kept(app, client, citizen, in_app, monkeypatch):
    delivery_id, number = prepared(app, citizen)
    status, answer = post(client, *event(app, "f", number, "handed_to_post", key=b"forged"))
    assert (status, answer["error"]) == (401, "bad_signature")
    # The payment provider's secret signs no carrier event.
    monkeypatch.setitem(app.config, "SAUDI_POST_SECRET", "saudi-post-secret")
    monkeypatch.setitem(app.config, "SADAD_SECRET", "sadad-secret")
    status, answer = post(client, *event(app, "f", number, "handed_to_post", key=b"sadad-secret"))
    assert (status, answer["error"]) == (401, "bad_signature")
    late = {"event_id": "l", "tracking_number": number, "event": "handed_to_post", "timestamp": int(time.time()) - 600}
    assert post(client, *signed(app, late))[1]["error"] == "stale"
    for payload in [
        b"{",
        b"[]",
        {"tracking_number": number, "event": "handed_to_post", "timestamp": int(time.time())},
        {"event_id": "m", "tracking_number": "rr1", "event": "handed_to_post", "timestamp": int(time.time())},
        {"event_id": "m", "tracking_number": number, "event": "teleported", "timestamp": int(time.time())},
        {"event_id": "m", "tracking_number": number, "event": "failed", "timestamp": int(time.time()), "reason": 3},
        {"event_id": "m", "tracking_number": number, "event": "delivered", "timestamp": int(time.time()), "code": None},
        {"event_id": "m" * 65, "tracking_number": number, "event": "failed", "timestamp": int(time.time())},
    ]:
        status, answer = post(client, *signed(app, payload))
        assert (status, answer["error"]) == (400, "malformed"), payload
    assert post(client, b"x" * 5000, {carrier.SIGNATURE_HEADER: "sha256=0"})[1]["error"] == "too_large"
    assert in_app(lambda: CarrierEvent.select().count()) == 0
    assert delivery(app, delivery_id).status == DeliveryStatus.PREPARING


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded", "text/plain"])
def test_odd_requests_never_500(app, client, content_type):
    response = client.post(EVENTS, data=b"event_id=1", headers={"Content-Type": content_type})
    assert response.status_code == 401 and response.get_json()["error"] == "bad_signature"
