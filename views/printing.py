"""Printable PDFs made with WeasyPrint from the same data as the pages.

A print template extends ``pdf/base.html``. Assets are resolved from
``static/`` on disk; nothing is ever fetched from the network.
"""

import base64
import hashlib
import io
import mimetypes
import os
import threading
from urllib.parse import urlsplit

import segno
from flask import current_app, make_response, render_template, request
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from domain.dates import today


class LocalAssetFetcher(URLFetcher):
    """Serve /static/… from disk and data: URIs; refuse everything else."""

    def __init__(self, static_folder):
        super().__init__(allowed_protocols=("http", "https", "data"))
        self.static_root = os.path.realpath(static_folder)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = urlsplit(url).path
        if path.startswith("/static/"):
            file_path = os.path.realpath(os.path.join(self.static_root, path[len("/static/") :]))
            if file_path.startswith(self.static_root + os.sep) and os.path.isfile(file_path):
                with open(file_path, "rb") as handle:
                    body = handle.read()
                content_type = mimetypes.guess_type(file_path)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body, {"Content-Type": content_type})
        raise ValueError(f"not a local asset: {url}")


_fonts = threading.local()


def font_configuration():
    """This thread's WeasyPrint font configuration, made once.

    Each FontConfiguration holds its own fontconfig and Pango font map, which
    are never given back: one per render left about 0.3 MB behind every
    time. One per thread keeps Pango's font map out of concurrent hands.
    """
    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


def render_pdf(template, **context):
    """Render a print template to PDF bytes."""
    context.setdefault("printed_on", today())
    html = render_template(template, **context)
    fetcher = LocalAssetFetcher(current_app.static_folder)
    document = HTML(string=html, base_url=request.url_root, url_fetcher=fetcher)
    return document.write_pdf(font_config=font_configuration())


def render_pdf_in_parts(template, name, items, size, progress=None, prepare=None, **context):
    """Render a print template for ``size`` of ``items`` at a time (as ``name``) and join the pages in one PDF.

    ``prepare(item)`` makes what the template needs of an item, part by part;
    ``progress(done, total)`` is called after each part, so a long print can show how far it is.
    """
    context.setdefault("printed_on", today())
    fetcher = LocalAssetFetcher(current_app.static_folder)
    parts = [items[start : start + size] for start in range(0, len(items), size)] or [[]]
    documents, done = [], 0
    for part in parts:
        if prepare:
            part = [prepare(item) for item in part]
        html = render_template(template, **{name: part}, **context)
        document = HTML(string=html, base_url=request.url_root, url_fetcher=fetcher)
        documents.append(document.render(font_config=font_configuration()))
        done += len(part)
        if progress:
            progress(done, len(items))
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()


def pdf_response(pdf, filename, etag=None):
    """Send PDF bytes inline, with an ETag so an unchanged document is not sent twice."""
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.set_etag(etag or hashlib.sha256(pdf).hexdigest())
    return response.make_conditional(request)


def not_modified(etag):
    """A 304 when the browser already holds the document of this ETag, else None: answered before any render."""
    if etag is None or etag not in request.if_none_match:
        return None
    response = make_response("", 304)
    response.set_etag(etag)
    return response


def qr_data_uri(text):
    """A QR code as an SVG data URI, for <img> in print templates."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=4, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
