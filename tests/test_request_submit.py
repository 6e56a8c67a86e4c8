"""Sending a request and acting on it, through the domain alone: one transaction per act,
files only when the request is saved, the notification inside the same transaction."""

import io
import os
from types import SimpleNamespace

import pytest
from werkzeug.datastructures import FileStorage

import models
from domain import attachments
from domain import requests as pipeline
from domain.errors import Conflict, Refused
from domain.tokens import new_token
from tests.helpers.messaging import JPEG_BYTES, PDF_BYTES, PNG_BYTES

S = models.RequestStatus


def link(service_request):
    return f"/messages/{service_request.reference}"


def agent_link(service_request):
    return f"/sector/requests/{service_request.reference}"


def person(national_id):
    return models.User.get(models.User.national_id == national_id)


def citizen():
    return person("1000000008")


def agent():
    return person("1000000016")


def uploads(*files):
    return [FileStorage(io.BytesIO(content), filename=name) for content, name in files]


def send(user=None, token=None, files=(), service_code="passport_renew"):
    service = models.Service.get(models.Service.code == service_code)
    return pipeline.submit(
        user or citizen(),
        service.sector,
        service,
        "تجديد جواز السفر",
        "أرغب في تجديد جواز سفري.",
        list(files),
        token or new_token(),
        link=link,
    )


def notifications(user):
    return list(models.Notification.select().where(models.Notification.user == user))


def counts():
    return (
        models.ServiceRequest.select().count(),
        models.Attachment.select().count(),
        models.Notification.select().count(),
    )


@pytest.fixture
def folder(app):
    return app.config["UPLOAD_FOLDER"]


# --- Files ---------------------------------------------------------------------------------


def test_files_are_checked_by_their_first_bytes_and_size():
    files, problems = attachments.check(
        uploads(
            (PDF_BYTES, "C:\\scans\\تقرير.pdf"),
            (PNG_BYTES, "scan.png"),
            (b"MZ\x90\x00", "photo.jpg"),
        )
    )
    assert [(f.name, f.content_type, f.extension) for f in files] == [
        ("تقرير.pdf", "application/pdf", ".pdf"),
        ("scan.png", "image/png", ".png"),
    ]
    assert [problem.name for problem in problems] == ["photo.jpg"]
    files, problems = attachments.check(uploads((b"%PDF-" + b"0" * attachments.MAX_BYTES, "big.pdf")))
    assert files == [] and [problem.name for problem in problems] == ["big.pdf"]
    files, problems = attachments.check(uploads(*[(PDF_BYTES, f"{n}.pdf") for n in range(4)]))
    assert files == [] and len(problems) == 1 and problems[0].name is None
    assert attachments.clean_name("\x00 ") == "file"
    assert attachments.chosen([None, FileStorage(io.BytesIO(b""), filename="")]) == []


# --- Sending -------------------------------------------------------------------------------


def test_the_same_token_twice_makes_one_request(db, folder):
    token = new_token()
    files, _ = attachments.check(uploads((PDF_BYTES, "doc.pdf")))
    first = send(token=token, files=files)
    stored = set(os.listdir(folder))
    again = send(token=token, files=files)
    assert again.id == first.id
    assert counts() == (1, 1, 1)
    assert set(os.listdir(folder)) == stored
    [receipt] = notifications(citizen())
    assert first.reference in receipt.text_ar and receipt.link == f"/messages/{first.reference}"


def test_a_simultaneous_double_submit_returns_the_first_request(db, folder, monkeypatch):
    token = new_token()
    files, _ = attachments.check(uploads((PNG_BYTES, "scan.png")))
    first = send(token=token, files=files)
    stored = set(os.listdir(folder))
    real = pipeline.already_submitted
    calls = []

    def first_look_misses(model, token, user):
        # The second submission looked before the first one had committed.
        calls.append(token)
        return None if len(calls) == 1 else real(model, token, user)

    monkeypatch.setattr(pipeline, "already_submitted", first_look_misses)
    assert send(token=token, files=files).id == first.id
    assert len(calls) == 2
    assert counts() == (1, 1, 1)
    assert set(os.listdir(folder)) == stored


def test_a_file_that_cannot_be_stored_leaves_no_file_and_no_row(db, folder, monkeypatch):
    files, _ = attachments.check(uploads((PDF_BYTES, "a.pdf"), (JPEG_BYTES, "b.jpg"), (PDF_BYTES, "c.pdf")))
    before = set(os.listdir(folder))
    # Every file gets the same name: the second cannot be written.
    monkeypatch.setattr(attachments, "secrets", SimpleNamespace(token_hex=lambda size: "0" * 32))
    with pytest.raises(FileExistsError):
        send(files=files)
    assert set(os.listdir(folder)) == before
    assert counts() == (0, 0, 0)
    assert models.ReferenceCounter.select().count() == 0  # the number is not used up either


def test_a_failure_after_the_files_are_written_removes_them(db, folder, monkeypatch):
    files, _ = attachments.check(uploads((PDF_BYTES, "a.pdf"), (PNG_BYTES, "b.png")))
    before = set(os.listdir(folder))

    def broken(*args, **kwargs):
        raise RuntimeError("the notifier is down")

    monkeypatch.setattr(pipeline, "notify", broken)
    with pytest.raises(RuntimeError):
        send(files=files)
    assert set(os.listdir(folder)) == before
    assert counts() == (0, 0, 0)


@pytest.mark.parametrize("token", ["", None, "short", "x" * 65])
def test_a_missing_or_forged_token_is_refused(db, token):
    service = models.Service.get(models.Service.code == "passport_renew")
    with pytest.raises(Refused) as refused:
        pipeline.submit(citizen(), service.sector, service, "s", "b", [], token, link=link)
    assert refused.value.code == "expired"
    assert counts() == (0, 0, 0)


def test_another_persons_token_is_refused_not_returned(db):
    token = new_token()
    send(token=token)
    with pytest.raises(Refused) as refused:
        send(user=person("2000000006"), token=token)
    assert refused.value.code == "expired"
    assert models.ServiceRequest.select().count() == 1


def test_a_service_of_another_sector_is_refused(db):
    service = models.Service.get(models.Service.code == "passport_renew")
    traffic = models.Sector.get(models.Sector.code == "traffic")
    with pytest.raises(Refused) as refused:
        pipeline.submit(citizen(), traffic, service, "s", "b", [], new_token(), link=link)
    assert refused.value.code == "service"
    assert counts() == (0, 0, 0)


# --- Acting on a request --------------------------------------------------------------------------


def test_a_beneficiary_reply_tells_the_assignee_once(db):
    row = send()
    row = pipeline.take(row, row.version, agent(), link=link)
    assert notifications(agent()) == []
    pipeline.beneficiary_reply(row, citizen(), "أرفقت الصورة", link=agent_link)
    [told] = notifications(agent())
    assert row.reference in told.text_ar
    assert told.link == f"/sector/requests/{row.reference}"


def test_a_reply_nobody_took_tells_nobody(db):
    row = send()
    before = counts()
    pipeline.beneficiary_reply(row, citizen(), "إضافة", link=agent_link)
    assert counts() == before


def test_a_reply_and_its_notification_are_one_transaction(db, monkeypatch):
    row = send()
    row = pipeline.take(row, row.version, agent(), link=link)
    events = row.events.count()

    def broken(*args, **kwargs):
        raise RuntimeError("the notifier is down")

    monkeypatch.setattr(pipeline, "notify", broken)
    with pytest.raises(RuntimeError):
        pipeline.beneficiary_reply(row, citizen(), "لن يُحفظ", link=agent_link)
    assert row.events.count() == events
    assert models.ServiceRequest.get_by_id(row.id).updated_at == row.updated_at
    assert notifications(agent()) == []


def test_staff_acts_tell_the_beneficiary_with_the_link_given(db):
    row = send()
    row = pipeline.take(row, row.version, agent(), link=link)
    row = pipeline.staff_reply(row, row.version, agent(), "يمكنك التجديد عبر أبشر.", S.ANSWERED, link=link)
    row = pipeline.change_status(row, row.version, agent(), S.CLOSED, link=link)
    told = [n.text_ar for n in models.Notification.select().where(models.Notification.user == citizen())]
    assert len(told) == 4  # the receipt, taken, the reply, closed
    assert all(row.reference in text for text in told)
    assert "ردّ القطاع على طلبك" in told[2]
    assert {n.link for n in notifications(citizen())} == {f"/messages/{row.reference}"}


def test_a_stale_act_is_a_conflict_that_tells_nobody(db):
    row = send()
    pipeline.take(row, row.version, agent(), link=link)
    before = counts()
    with pytest.raises(Conflict) as conflict:
        pipeline.change_status(row, row.version, agent(), S.CLOSED, link=link)
    assert conflict.value.current.status == S.IN_PROGRESS and conflict.value.current.version == 2
    assert counts() == before
