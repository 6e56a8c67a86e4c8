"""What the benchmark serves: the app with one constant route added, and a bare Flask app.

    gunicorn 'bench.wsgi:bench_app()'   the app, plus /bench/constant (no database, no template)
    gunicorn 'bench.wsgi:bare_app()'    Flask with one route and nothing else

The constant route measures what the server, Flask and the app's hooks cost before any
page does its own work; the bare app measures gunicorn and Flask alone. Neither is part
of the product.
"""

from flask import Flask

from app import WITHOUT_DATABASE, create_app


def constant():
    return "ok\n", 200, {"Content-Type": "text/plain"}


def bench_app(config=None):
    """The app as ``make serve`` serves it, with /bench/constant added.

    The per-account limits are lifted: the bench's one beneficiary sends hundreds of
    requests a second, which they refuse by design (tests/test_action_limits.py).
    """
    application = create_app({"RATELIMIT_ENABLED": False, **(config or {})})
    application.add_url_rule("/bench/constant", "bench_constant", constant)
    WITHOUT_DATABASE.add("bench_constant")  # answered before a connection is taken, as /healthz is
    return application


def bare_app():
    """Flask and one route: what gunicorn and Flask cost alone."""
    application = Flask(__name__)
    application.add_url_rule("/bench/constant", "bench_constant", constant)
    application.add_url_rule("/healthz", "healthz", constant)
    return application
