"""Outgoing SMS and e-mail: written with the change, sent by the worker after it commits, retried, swept."""

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

import models
from domain import outbox
from domain.notifier import notify
from models import MessageState, OutboxMessage, write_transaction
from tests.helpers.accounts import DEMO, PASSWORD, latest_code


def citizen():
    return models.User.get(models.User.national_id == DEMO["citizen"])


def messages():
    return list(OutboxMessage.select().order_by(OutboxMessage.id))


def test_a_committed_change_sends_its_sms_through_the_gateway_once(db, gateway):
    with write_transaction():
        notify(citizen(), "طلبك قيد المعالجة")
    [(headers, body)] = gateway.received
    assert json.loads(body)["text"] == "طلبك قيد المعالجة"
    assert json.loads(body)["to"] == citizen().phone
    sms = [m for m in messages() if m.channel == "sms"]
    assert [(m.state, m.attempts) for m in sms] == [(MessageState.SENT, 1)]
    assert sms[0].sent_at is not None


def test_a_rolled_back_change_sends_nothing(db, gateway):
    with pytest.raises(RuntimeError), write_transaction():
        notify(citizen(), "لن يُرسل")
        raise RuntimeError("the change fails after notifying")
    assert gateway.received == []
    assert messages() == []
    assert models.Notification.select().count() == 0
    # The next change that commits sends only its own message.
    with write_transaction():
        notify(citizen(), "يُرسل")
    assert [json.loads(body)["text"] for _, body in gateway.received] == ["يُرسل"]


def test_the_gateway_request_is_signed_with_hmac_sha256_over_its_body(db, gateway):
    with write_transaction():
        notify(citizen(), "رمز: 123456")
    [(headers, body)] = gateway.received
    expected = hmac.new(gateway.secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Tawasul-Signature"] == f"sha256={expected}"
    assert headers["Content-Type"].startswith("application/json")
    wrong = hmac.new(b"another secret", body, hashlib.sha256).hexdigest()
    assert headers["X-Tawasul-Signature"] != f"sha256={wrong}"
    [sms] = [m for m in messages() if m.channel == "sms"]
    assert json.loads(body)["reference"] == f"tawasul-{sms.id}"


def test_a_failed_send_is_retried_and_then_marked_failed(db, gateway, app, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 3)
    gateway.statuses = [503, 503, 503, 503]
    with write_transaction():
        notify(citizen(), "لن يصل")
    assert len(gateway.received) == 3
    [sms] = [m for m in messages() if m.channel == "sms"]
    assert (sms.state, sms.attempts, sms.last_error) == (MessageState.FAILED, 3, "the gateway answered 503")
    assert sms.sent_at is None


def test_a_send_that_fails_then_succeeds_is_sent_once(db, gateway, app, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 5)
    gateway.statuses = [500, 502]
    with write_transaction():
        notify(citizen(), "يصل في الثالثة")
    assert len(gateway.received) == 3
    [sms] = [m for m in messages() if m.channel == "sms"]
    assert (sms.state, sms.attempts, sms.last_error) == (MessageState.SENT, 3, "")


def test_an_unreachable_gateway_is_a_failure_to_retry(db, app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_ADAPTER", "gateway")
    monkeypatch.setitem(app.config, "SMS_GATEWAY_URL", "http://127.0.0.1:9/sms")
    monkeypatch.setitem(app.config, "SMS_GATEWAY_SECRET", "s")
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 2)
    with write_transaction():
        notify(citizen(), "لا أحد يجيب")
    [sms] = [m for m in messages() if m.channel == "sms"]
    assert (sms.state, sms.attempts) == (MessageState.FAILED, 2)
    assert sms.last_error.startswith("the gateway did not answer")


def test_the_sweep_sends_what_was_left_pending_and_leaves_fresh_ones(db):
    old = OutboxMessage.create(
        channel="sms", recipient="0500000008", body="نُسي", created_at=models.utcnow() - timedelta(hours=1)
    )
    fresh = OutboxMessage.create(channel="sms", recipient="0500000008", body="جديد")
    outbox.sweep_outbox.call_local()
    assert OutboxMessage.get_by_id(old.id).state == MessageState.SENT
    assert OutboxMessage.get_by_id(fresh.id).state == MessageState.PENDING


def test_the_demo_sign_in_code_is_delivered_to_the_outbox_page(client, in_app):
    page = client.submit("/login", {"national_id": DEMO["citizen"], "password": PASSWORD})
    assert page.status == 303
    code = in_app(lambda: latest_code(citizen().phone))
    outbox_page = client.page("/dev/outbox")
    [row] = [tr for tr in outbox_page.select("tbody tr") if code in tr.get_text()]
    assert "أُرسلت" in row.get_text() or "Sent" in row.get_text()
    assert client.submit("/login/code", {"code": code}).status == 303


def run_worker(queue):
    """Run what is queued, as the consumer does, until the queue is empty."""
    while (task := queue.dequeue()) is not None:
        queue.execute(task)


def test_a_worker_is_given_the_message_only_once_the_transaction_commits(db, real_queue):
    with write_transaction():
        notify(citizen(), "يصل بعد الحفظ")
        assert real_queue.pending_count() == 0  # nothing a worker could look for before the commit
    written = messages()
    assert real_queue.pending_count() == len(written) > 0
    assert {m.state for m in written} == {MessageState.PENDING}
    run_worker(real_queue)
    assert {m.state for m in messages()} == {MessageState.SENT}


def test_a_rolled_back_change_leaves_the_queue_empty(db, real_queue):
    with pytest.raises(RuntimeError), write_transaction():
        notify(citizen(), "لن يُرسل")
        raise RuntimeError("rolled back")
    assert real_queue.pending_count() == 0 and messages() == []


def test_a_failure_is_retried_by_the_worker_after_the_delay_not_at_once(db, real_queue, gateway, app, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_RETRY_SECONDS", 30)
    gateway.statuses = [503]
    with write_transaction():
        notify(citizen(), "يصل في المحاولة الثانية")
    before = datetime.now(UTC).replace(tzinfo=None)
    run_worker(real_queue)
    after = datetime.now(UTC).replace(tzinfo=None)
    [sms] = [m for m in messages() if m.channel == "sms"]
    assert (sms.state, sms.attempts, len(gateway.received)) == (MessageState.PENDING, 1, 1)
    [retry] = real_queue.scheduled()
    assert before + timedelta(seconds=30) <= retry.eta <= after + timedelta(seconds=30)
    # Thirty seconds on, the scheduler hands the retry to a worker, and it goes through.
    later = retry.eta + timedelta(seconds=1)
    for task in real_queue.read_schedule(later):
        real_queue.execute(task, timestamp=later)
    assert OutboxMessage.get_by_id(sms.id).state == MessageState.SENT
    assert len(gateway.received) == 2
