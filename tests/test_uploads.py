"""Files are judged by what they are: PDFs opened, images decoded and written again, names cleaned, limits kept."""

import io
import os

import pytest
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

import models
from domain import attachments
from tests.helpers.messaging import PDF_BYTES, send_request, sent_reference

TYPED_SUBJECT = "تجديد جواز السفر"


def pdf_with(change):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def opening_with(kind, key, value):
    def change(writer):
        action = DictionaryObject({NameObject("/S"): NameObject(kind), NameObject(key): TextStringObject(value)})
        writer._root_object[NameObject("/OpenAction")] = action

    return change


def photo_with_location():
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (24.0, 42.0, 0.0), 3: "E", 4: (46.0, 40.0, 0.0)}  # GPS: Riyadh
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def bomb():
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, "PNG")  # 144 megapixels in a few kilobytes
    return out.getvalue()


HOSTILE = [
    (b"%PDF-1.7\n<html><script>alert(1)</script></html>", "page.html", "لا يمكن قراءته كمستند PDF"),
    (pdf_with(opening_with("/JavaScript", "/JS", "app.alert('x');")), "form.pdf", "نصوصًا برمجية"),
    (pdf_with(opening_with("/Launch", "/F", "cmd.exe")), "invoice.pdf", "نصوصًا برمجية"),
    (pdf_with(lambda writer: writer.encrypt("secret")), "locked.pdf", "محمي بكلمة مرور"),
    (bomb(), "scan.png", "ليس صورة يمكن فتحها"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "broken.png", "ليس صورة يمكن فتحها"),
]


@pytest.mark.parametrize("content, name, message", HOSTILE, ids=[case[1] for case in HOSTILE])
def test_a_file_that_only_looks_right_is_refused_and_the_text_is_kept(citizen, app, content, name, message):
    before = set(os.listdir(app.config["UPLOAD_FOLDER"]))
    page = send_request(citizen, files=[(content, name)])
    assert page.status == 422
    assert message in page.one("#attachments-error").text
    assert page.one("#subject")["value"] == TYPED_SUBJECT
    assert set(os.listdir(app.config["UPLOAD_FOLDER"])) == before


def test_a_real_pdf_named_like_a_web_page_downloads_as_a_pdf(citizen, in_app):
    reference = sent_reference(send_request(citizen, files=[(PDF_BYTES, "page.html")]))
    link = citizen.page(f"/messages/{reference}").select("ul.attachments a")[0]["href"]
    download = citizen.get(link)
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "filename=page.pdf" in disposition


def test_a_photo_loses_its_location_and_keeps_its_picture(citizen, in_app, app):
    send_request(citizen, files=[(photo_with_location(), "passport-photo.jpg")])
    stored = in_app(lambda: models.Attachment.get())
    with open(os.path.join(app.config["UPLOAD_FOLDER"], stored.stored_name), "rb") as handle:
        kept = Image.open(io.BytesIO(handle.read()))
    assert kept.size == (64, 48)
    assert 0x8825 not in kept.getexif()
    assert kept.getpixel((10, 10))[0] > 150  # still the red picture


def test_direction_and_control_characters_are_cleaned_from_file_names(citizen, in_app):
    page = send_request(citizen, files=[(PDF_BYTES, "invoice\u202efdp.exe\u0007.pdf")])
    reference = sent_reference(page)
    assert in_app(lambda: models.Attachment.get().original_name) == "invoicefdp.exe.pdf"
    shown = citizen.page(f"/messages/{reference}").one("ul.attachments a").text
    assert "\u202e" not in shown and "\u0007" not in shown


@pytest.mark.parametrize("htmx", [False, True], ids=["without-javascript", "with-htmx"])
def test_a_file_far_over_the_limit_gets_the_form_back_with_the_text_and_the_limit(citizen, htmx):
    twelve_megabytes = b"%PDF-" + os.urandom(12 * 1024 * 1024)
    page = send_request(citizen, htmx=htmx, files=[(twelve_megabytes, "scan.pdf")])
    assert page.status == 422
    assert "أكبر من 2 ميجابايت" in page.one("#attachments-error").text
    assert page.one("#subject")["value"] == TYPED_SUBJECT
    assert "أرغب في تجديد" in page.one("#body").text


def test_the_request_keeps_only_the_first_bytes_of_a_file_far_over_the_limit(app):
    big = b"%PDF-" + b"0" * (5 * attachments.MAX_BYTES)
    data = {"attachments": (io.BytesIO(big), "scan.pdf"), "subject": "x"}
    with app.test_request_context("/messages/new", method="POST", data=data, content_type="multipart/form-data"):
        from flask import request

        assert len(request.files["attachments"].stream.getvalue()) == attachments.MAX_BYTES + 1
        assert request.form["subject"] == "x"


def test_many_files_keep_no_more_than_one_file_beyond_the_limit_in_memory(app):
    request = app.request_class.from_values()
    streams = [request._get_file_stream(0, "application/pdf", "x.pdf") for _ in range(attachments.MAX_FILES + 5)]
    for stream in streams:
        stream.write(b"x" * (attachments.MAX_BYTES + 100))
    kept = [len(stream.getvalue()) for stream in streams]
    assert kept[: attachments.MAX_FILES + 1] == [attachments.MAX_BYTES + 1] * (attachments.MAX_FILES + 1)
    assert set(kept[attachments.MAX_FILES + 1 :]) == {0}
