"""Tawasul (تواصل): the application factory."""

import os
from datetime import timedelta
from decimal import Decimal

from flask import Flask, g, request, session
from flask_babel import Babel
from flask_compress import Compress
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx
from werkzeug.middleware.proxy_fix import ProxyFix

import commands
import models
import worker
from domain import audit, catalog
from views import inputs, limits, open311, register_blueprints
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

# Served to other systems: a session cookie sent along is ignored, so no one acts as the person signed in.
ANONYMOUS_BLUEPRINTS = {"open311"}

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
    """Pick the page language: the visitor's choice, else Arabic (the Open311 interface: the one asked for)."""
    if request.blueprint in ANONYMOUS_BLUEPRINTS:
        return open311.language()
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else "ar"


DEVELOPMENT_SECRET = "dev-only-secret-change-me"
MIN_SECRET_LENGTH = 32

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()"


def refuse_unsafe_configuration(config):
    """Stop a non-development start that would run with a guessable key or with the demo's open outbox."""
    if config["TAWASUL_ENV"] == "development":
        return
    secret = config.get("SECRET_KEY") or ""
    if secret == DEVELOPMENT_SECRET or len(secret) < MIN_SECRET_LENGTH:
        raise SystemExit(
            f"Tawasul: set SECRET_KEY to a random value of at least {MIN_SECRET_LENGTH} characters "
            f"(TAWASUL_ENV is {config['TAWASUL_ENV']!r})."
        )
    if config["DEMO_MODE"]:
        raise SystemExit(
            "Tawasul: unset TAWASUL_DEMO; demo mode shows every one-time code, so only development runs it."
        )


def create_app(config=None):
    """Create and configure the Tawasul application."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(
        TAWASUL_ENV=os.environ.get("TAWASUL_ENV", "development"),
        SECRET_KEY=os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET),
        DATABASE_URL=os.environ.get("DATABASE_URL", "sqlite:///" + os.path.join(app.instance_path, "tawasul.db")),
        # Connections kept per process and handed from request to request; 0 opens one per request.
        DATABASE_POOL_SIZE=int(os.environ.get("DATABASE_POOL_SIZE", "8")),
        # How many reverse proxies (nginx, a load balancer) stand in front and may be believed about
        # the client's address and scheme; 0 believes no X-Forwarded-* header at all.
        TRUSTED_PROXY_HOPS=int(os.environ.get("TRUSTED_PROXY_HOPS", "0")),
        DEMO_MODE=os.environ.get("TAWASUL_DEMO") == "1",
        UPLOAD_FOLDER=os.path.join(app.instance_path, "uploads"),
        # The whole body; each file is cut at its own limit while the form is read (views/uploads.py).
        MAX_CONTENT_LENGTH=50 * 1024 * 1024,
        # Longer addresses get the portal's 414 page (gunicorn's own limit is set above it in `make serve`).
        MAX_URL_LENGTH=4096,
        BABEL_DEFAULT_LOCALE="ar",
        BABEL_DEFAULT_TIMEZONE="Asia/Riyadh",
        BABEL_TRANSLATION_DIRECTORIES=os.path.join(app.root_path, "translations"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        # Sessions end on the server after this long without a page (staff sooner) or this long in all.
        SESSION_IDLE_MINUTES=int(os.environ.get("SESSION_IDLE_MINUTES", "60")),
        SESSION_IDLE_MINUTES_STAFF=int(os.environ.get("SESSION_IDLE_MINUTES_STAFF", "30")),
        SESSION_MAX_HOURS=12,
        WTF_CSRF_TIME_LIMIT=None,
        SEND_FILE_MAX_AGE_DEFAULT=timedelta(days=365),
        # Sign-in pacing (domain/accounts.py): free attempts per window, then seconds between attempts.
        LOGIN_WINDOW_MINUTES=15,
        LOGIN_FREE_ATTEMPTS=5,
        LOGIN_WAIT_SECONDS=30,
        LOGIN_ID_FREE_ATTEMPTS=20,
        LOGIN_ID_WAIT_SECONDS=10,
        LOGIN_ADDRESS_FREE_ATTEMPTS=100,
        LOGIN_ADDRESS_WAIT_SECONDS=2,
        LOGIN_WARN_AFTER=5,
        OTP_TTL_MINUTES=5,
        OTP_MAX_ATTEMPTS=3,
        OTP_FREE_ATTEMPTS=9,
        OTP_WAIT_SECONDS=60,
        # Outgoing SMS: "demo" keeps them for /dev/outbox; "gateway" posts them, signed, to SMS_GATEWAY_URL.
        SMS_ADAPTER=os.environ.get("SMS_ADAPTER", "demo"),
        SMS_GATEWAY_URL=os.environ.get("SMS_GATEWAY_URL", ""),
        SMS_GATEWAY_SECRET=os.environ.get("SMS_GATEWAY_SECRET", ""),
        SMS_GATEWAY_TIMEOUT=float(os.environ.get("SMS_GATEWAY_TIMEOUT", "10")),
        # A message is tried this many times, OUTBOX_RETRY_SECONDS apart and doubling, then marked failed.
        OUTBOX_MAX_ATTEMPTS=5,
        OUTBOX_RETRY_SECONDS=30,
        # Pending and untried this long: enqueued again by the sweep.
        OUTBOX_SWEEP_MINUTES=15,
        # The shared store of the job queue and the action limits: redis://host:port/db. Unset, the queue
        # is a SQLite file in the instance folder and the limits are counted in process.
        REDIS_URL=os.environ.get("REDIS_URL", ""),
        HUEY_FILE=os.environ.get("HUEY_FILE", os.path.join(app.instance_path, "huey.db")),
        # Run every task at once, in the enqueuing process (tests).
        HUEY_IMMEDIATE=False,
        REQUEST_HOLIDAYS=(),
        # The delivery fee, billed through SADAD when a delivery is confirmed: exact, never a float.
        DELIVERY_FEE_SAR=Decimal(os.environ.get("DELIVERY_FEE_SAR", "35.00")),
        # How long a SADAD bill may be paid; unpaid by then, it expires and the document is free again.
        SADAD_BILL_HOURS=int(os.environ.get("SADAD_BILL_HOURS", "24")),
        # "demo" pays from the portal's «سداد تجريبي» page (demo mode only); "gateway" registers bills,
        # signed, at SADAD_GATEWAY_URL. Either way payments arrive as callbacks signed with SADAD_SECRET.
        SADAD_ADAPTER=os.environ.get("SADAD_ADAPTER", "demo"),
        SADAD_GATEWAY_URL=os.environ.get("SADAD_GATEWAY_URL", ""),
        SADAD_GATEWAY_TIMEOUT=float(os.environ.get("SADAD_GATEWAY_TIMEOUT", "10")),
        SADAD_SECRET=os.environ.get("SADAD_SECRET", ""),
        SADAD_BILLER_CODE=os.environ.get("SADAD_BILLER_CODE", "901"),
        # Saudi Post's events about its deliveries are signed with this secret (same scheme as SADAD's).
        SAUDI_POST_SECRET=os.environ.get("SAUDI_POST_SECRET", ""),
        # A signed callback or event is believed only this long after the moment it says it was sent.
        SADAD_CALLBACK_TOLERANCE_SECONDS=300,
        DELIVERY_MAX_ATTEMPTS=3,
        # Wrong entries of an attempt's delivery code (or the recipient's ID digits) before it is locked.
        DELIVERY_CODE_MAX_TRIES=5,
        BOOKING_WINDOW_DAYS=30,
        # «حضر» can be recorded this many minutes before the appointment's time.
        ATTENDANCE_EARLY_MINUTES=30,
        COMPRESS_ALGORITHM=["br", "gzip"],
        COMPRESS_MIMETYPES=["text/html", "text/css", "application/javascript", "text/javascript", "image/svg+xml"],
        PUBLIC_BASE_URL=os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        # What the Open311 discovery document says; a sentence of its own when unset.
        OPEN311_CONTACT=os.environ.get("OPEN311_CONTACT", ""),
        OPEN311_KEY_SERVICE=os.environ.get("OPEN311_KEY_SERVICE", ""),
    )
    if config:
        app.config.from_mapping(config)
    refuse_unsafe_configuration(app.config)
    production = app.config["TAWASUL_ENV"] != "development"
    if production:
        app.config["SESSION_COOKIE_SECURE"] = True

    hops = app.config["TRUSTED_PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    models.bind_database(app.config["DATABASE_URL"], app.config["DATABASE_POOL_SIZE"])
    worker.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    htmx.init_app(app)
    compress.init_app(app)
    inputs.init_app(app)

    @app.before_request
    def open_database_and_user():
        audit.client_address.set(request.remote_addr or "")
        catalog.new_request()
        if request.endpoint in WITHOUT_DATABASE:
            g.user = None
            return
        models.db.connect(reuse_if_open=True)
        request.environ["tawasul.database_opened"] = True
        if request.blueprint in ANONYMOUS_BLUEPRINTS:
            g.user = None
            return
        load_current_user()

    @app.teardown_request
    def close_database(exc):
        # Only what this request opened: a task's request context (worker.public_request_context) borrows one.
        if request.environ.get("tawasul.database_opened") and not models.db.is_closed():
            models.db.close()

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = PERMISSIONS_POLICY
        if production:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if getattr(g, "user", None) is not None and request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response

    limits.init_app(app)
    register_template_helpers(app)
    register_blueprints(app)
    register_error_handlers(app)
    commands.init_app(app)
    return app
