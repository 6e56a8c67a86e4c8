"""Tawasul (تواصل): the application factory."""

import os
from datetime import timedelta

from flask import Flask, g, request, session
from flask_babel import Babel
from flask_compress import Compress
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx
from werkzeug.middleware.proxy_fix import ProxyFix

import commands
import models
from views import inputs, register_blueprints
from views.access import load_current_user
from views.errors import register_error_handlers
from views.rendering import register_template_helpers

babel = Babel()
compress = Compress()
csrf = CSRFProtect()
htmx = Htmx()

LANGUAGES = ("ar", "en")

# Served without a database connection or a signed-in user: they must answer even when the database cannot.
WITHOUT_DATABASE = {"static", "health.healthz", "health.readyz"}

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def select_locale():
    """Pick the page language: the visitor's choice, else Arabic."""
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else "ar"


def create_app(config=None):
    """Create and configure the Tawasul application."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("SECRET_KEY", "dev-only-secret-change-me"),
        DATABASE_URL=os.environ.get("DATABASE_URL", "sqlite:///" + os.path.join(app.instance_path, "tawasul.db")),
        # Connections kept per process and handed from request to request; 0 opens one per request.
        DATABASE_POOL_SIZE=int(os.environ.get("DATABASE_POOL_SIZE", "8")),
        # How many reverse proxies (nginx, a load balancer) stand in front and may be believed about
        # the client's address and scheme; 0 believes no X-Forwarded-* header at all.
        TRUSTED_PROXY_HOPS=int(os.environ.get("TRUSTED_PROXY_HOPS", "0")),
        DEMO_MODE=os.environ.get("TAWASUL_DEMO") == "1",
        UPLOAD_FOLDER=os.path.join(app.instance_path, "uploads"),
        MAX_CONTENT_LENGTH=8 * 1024 * 1024,
        # Longer addresses get the portal's 414 page (gunicorn's own limit is set above it in `make serve`).
        MAX_URL_LENGTH=4096,
        BABEL_DEFAULT_LOCALE="ar",
        BABEL_DEFAULT_TIMEZONE="Asia/Riyadh",
        BABEL_TRANSLATION_DIRECTORIES=os.path.join(app.root_path, "translations"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("TAWASUL_ENV", "development") != "development",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        WTF_CSRF_TIME_LIMIT=None,
        SEND_FILE_MAX_AGE_DEFAULT=timedelta(days=365),
        LOGIN_MAX_FAILURES=5,
        LOGIN_LOCK_MINUTES=15,
        OTP_TTL_MINUTES=5,
        OTP_MAX_ATTEMPTS=3,
        NOTIFIER_TRANSPORT="outbox",
        REQUEST_HOLIDAYS=(),
        DELIVERY_FEE_SAR=35,
        DELIVERY_MAX_ATTEMPTS=3,
        BOOKING_WINDOW_DAYS=30,
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_MIMETYPES=["text/html", "text/css", "application/javascript", "text/javascript", "image/svg+xml"],
        PUBLIC_BASE_URL=os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
    )
    if config:
        app.config.from_mapping(config)

    hops = app.config["TRUSTED_PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    models.bind_database(app.config["DATABASE_URL"], app.config["DATABASE_POOL_SIZE"])
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    htmx.init_app(app)
    compress.init_app(app)
    inputs.init_app(app)

    @app.before_request
    def open_database_and_user():
        if request.endpoint in WITHOUT_DATABASE:
            g.user = None
            return
        models.db.connect(reuse_if_open=True)
        load_current_user()

    @app.teardown_request
    def close_database(exc):
        if not models.db.is_closed():
            models.db.close()

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        if getattr(g, "user", None) is not None and request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response

    register_template_helpers(app)
    register_blueprints(app)
    register_error_handlers(app)
    commands.init_app(app)
    return app
