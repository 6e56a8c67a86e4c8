"""Health checks for the process manager and the load balancer."""

from flask import Blueprint
from peewee import OperationalError

import models
import worker

bp = Blueprint("health", __name__)

PLAIN = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}


@bp.route("/healthz")
def healthz():
    """Answer that the process is up; touches nothing else."""
    return "ok\n", 200, PLAIN


@bp.route("/readyz")
def readyz():
    """Answer 200 when the database and the queue answer, else 503, so a balancer sends no traffic here."""
    try:
        with models.db.connection_context():
            models.db.execute_sql("SELECT 1").fetchone()
    except OperationalError:
        return "database unavailable\n", 503, PLAIN
    if not worker.is_reachable():
        return "queue unavailable\n", 503, PLAIN
    return "ready\n", 200, PLAIN
