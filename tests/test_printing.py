"""The shared PDF machinery: Arabic text shaped and in reading order, local assets only."""

from datetime import date

import pytest
from flask import current_app, render_template_string
from weasyprint import HTML

from tests.helpers.pdf import pdf_contains, pdf_text
from views.printing import LocalAssetFetcher, pdf_response, qr_data_uri


def render_body(body):
    html = render_template_string(
        '{% extends "pdf/base.html" %}{% block content %}' + body + "{% endblock %}",
        printed_on=date(2026, 11, 25),
    )
    fetcher = LocalAssetFetcher(current_app.static_folder)
    return HTML(string=html, base_url="http://localhost/", url_fetcher=fetcher).write_pdf()


def test_arabic_pdf_text_reads_in_order(app):
    with app.test_request_context("/"):
        pdf = render_body("<h1>المديرية العامة للجوازات</h1><p>رقم الطلب <bdi>M1448-000001</bdi></p>")
    text = pdf_text(pdf)
    assert pdf_contains(text, "المديرية العامة للجوازات")
    assert pdf_contains(text, "رقم الطلب M1448-000001")
    assert pdf_contains(text, "15 جمادى الآخرة 1448 هـ")
    assert pdf_contains(text, "15 جمادى الآخرة 1448 هـ الموافق 25 نوفمبر 2026 م")


def test_remote_assets_are_refused(app):
    fetcher = LocalAssetFetcher(app.static_folder)
    with pytest.raises(ValueError):
        fetcher.fetch("https://cdn.example/font.woff2")
    with pytest.raises(ValueError):
        fetcher.fetch("http://localhost/static/../app.py")
    assert fetcher.fetch("http://localhost/static/css/pdf.css").content_type == "text/css"


def test_unchanged_pdf_is_not_sent_again(app):
    with app.test_request_context("/"):
        first = pdf_response(b"%PDF-1.7 same bytes", "slip.pdf")
        etag = first.headers["ETag"]
    with app.test_request_context("/", headers={"If-None-Match": etag}):
        again = pdf_response(b"%PDF-1.7 same bytes", "slip.pdf")
    assert again.status_code == 304


def test_qr_code_is_an_svg_image():
    assert qr_data_uri("A1448-000001").startswith("data:image/svg+xml;base64,")
