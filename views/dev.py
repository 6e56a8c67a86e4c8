"""Demo-only pages: registered only when DEMO_MODE is on, never in production."""

from flask import Blueprint, render_template

from models import OutboxMessage

bp = Blueprint("dev", __name__, url_prefix="/dev")


@bp.route("/outbox")
def outbox():
    """List the latest SMS and e-mails with their state: the demo adapter delivers them here."""
    messages = OutboxMessage.select().order_by(OutboxMessage.id.desc()).limit(30)
    return render_template("dev/outbox.html", messages=messages)
