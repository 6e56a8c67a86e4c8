"""Rendering helpers shared by every blueprint: pages or htmx partials, dates."""

import hashlib
import os
import re
from urllib.parse import urlsplit

from flask import current_app, g, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from domain import appointments as appointments_pipeline
from domain import requests as requests_pipeline
from domain.dates import format_dual, format_gregorian, format_hijri, format_local_time, riyadh_date
from domain.delivery import pipeline as delivery_pipeline
from domain.delivery.sadad import money
from domain.identity import mask_id


def wants_partial():
    """True for an htmx request that swaps part of a page.

    Boosted requests and history restores need the whole page.
    """
    return bool(request.htmx) and not request.htmx.boosted and not request.htmx.history_restore_request


def render_page_or_partial(page, partial, status=200, announce=None, **context):
    """Render the full page, or only its partial for htmx; the URL serves both.

    ``announce`` is read out by screen readers after an htmx swap (the page's
    «announcer» live region is updated out of band).
    """
    if wants_partial():
        body = render_template(partial, **context)
        if announce:
            body += render_template("partials/announcer.html", announcement=announce)
    else:
        body = render_template(page, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def redirect_after_post(location):
    """303 to the next page; for htmx, HX-Redirect so the browser loads it whole."""
    if wants_partial():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, 303)


def set_reswap(response, swap):
    """Set HX-Reswap directly (htmx-flask 0.1.0 rejects some valid values)."""
    response.headers["HX-Reswap"] = swap
    return response


def safe_next(target, default):
    """A same-site path to go back to, never another host."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


ROLE_NAMES = {
    "beneficiary": _l("Beneficiary"),
    "agent": _l("Sector agent"),
    "desk": _l("Branch desk"),
    "officer": _l("Delivery officer"),
    "admin": _l("Administrator"),
}

# Each service's status words live beside its pipeline in domain/.
PIPELINES = {
    "request": requests_pipeline,
    "appointment": appointments_pipeline,
    "delivery": delivery_pipeline,
}


def status_label(status, pipeline):
    """A status in words, in the page language: ``{{ row.status|status_label("delivery") }}``."""
    return PIPELINES[pipeline].label(status)


_fingerprints = {}


def static_url(filename):
    """URL of a static file with a content fingerprint, so it can be cached for a year."""
    if filename not in _fingerprints or current_app.debug:
        path = os.path.join(current_app.static_folder, filename)
        try:
            with open(path, "rb") as handle:
                _fingerprints[filename] = hashlib.sha256(handle.read()).hexdigest()[:12]
        except FileNotFoundError:
            _fingerprints[filename] = "missing"
    return url_for("static", filename=filename, v=_fingerprints[filename])


def error_title(*forms):
    """«خطأ: » before the page title when a form on it has errors."""
    if any(form is not None and (form.errors or form.form_errors) for form in forms):
        return _l("Error: ")
    return ""


LATIN_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9@._/+:-]*[A-Za-z0-9]")


def isolate_codes(text):
    """Wrap codes, numbers and e-mail addresses inside a sentence in <bdi dir="ltr">,
    so a tracking number does not scramble an Arabic sentence (or the reverse)."""
    parts, last = [], 0
    for match in LATIN_RUN.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(Markup('<bdi dir="ltr">%s</bdi>') % match.group(0))
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


def register_template_helpers(app):
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(static_url=static_url, error_title=error_title, role_names=ROLE_NAMES)
    app.jinja_env.filters["datetime_local"] = format_local_time
    app.jinja_env.filters["local_date"] = riyadh_date
    app.jinja_env.filters["isolate_codes"] = isolate_codes
    app.jinja_env.filters["hijri"] = format_hijri
    app.jinja_env.filters["dual_date"] = format_dual
    app.jinja_env.filters["gregorian"] = format_gregorian
    app.jinja_env.filters["masked_id"] = mask_id
    app.jinja_env.filters["status_label"] = status_label
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["failure_reason"] = delivery_pipeline.reason_label

    @app.context_processor
    def page_context():
        locale = get_locale()
        user = getattr(g, "user", None)
        return {
            "current_user": user,
            "lang": str(locale),
            "text_dir": locale.text_direction if locale else "rtl",
            "unread_count": user.unread_notifications() if user else 0,
        }
