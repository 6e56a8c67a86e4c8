"""Limits on actions that send SMS or fill staff queues, counted per account.

The counts live in Flask-Limiter's storage: Redis at ``REDIS_URL`` so the
limits hold across workers and servers, process memory for the single-process
``make run``. A view asks ``wait_for(action)`` once its form is valid and just
before it acts; a refusal is a form error in the page language that keeps what
was typed, with how long to wait. The key is the signed-in account, so one
person's burst never slows anyone else.
"""

import math
import time

from flask import current_app, g
from flask_babel import ngettext
from flask_limiter import Limiter
from limits import parse_many

# action: limits in Flask-Limiter's notation, all of which must allow the action.
ACTION_LIMITS = {
    "new_request": "3 per minute; 20 per day",
    "reply": "6 per minute; 60 per day",
    "staff_reply": "30 per minute",
    "booking": "3 per minute; 10 per day",
    "resend_code": "3 per 10 minutes",
    # Keyed by the ID being registered: nobody is signed in yet.
    "register_code": "3 per 10 minutes",
    # The Open311 interface: every request per client address, and requests sent per key.
    "open311_client": "120 per minute",
    "open311_key": "30 per minute; 2000 per day",
}


def init_app(app):
    storage = app.config.get("REDIS_URL") or "memory://"
    limiter = Limiter(
        key_func=lambda: "unused",
        app=app,
        storage_uri=storage,
        strategy="moving-window",
        default_limits=[],
        key_prefix="tawasul-limits",
        enabled=app.config.get("RATELIMIT_ENABLED", True),
    )
    app.extensions["action_limiter"] = limiter


def _strategy():
    return current_app.extensions["action_limiter"].limiter


def wait_for(action: str, account: str | None = None) -> int:
    """Count one ``action`` of the account (default: who is signed in); 0 when allowed, else seconds to wait."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return 0
    who = account or f"user:{g.user.id}"
    strategy = _strategy()
    for limit in parse_many(ACTION_LIMITS[action]):
        if not strategy.hit(limit, "tawasul", action, who):
            reset_at, _remaining = strategy.get_window_stats(limit, "tawasul", action, who)
            return max(1, math.ceil(reset_at - time.time()))
    return 0


def wait_message(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    if seconds < 60:
        return ngettext(
            "You have done this many times in a short while. Try again in %(num)s second.",
            "You have done this many times in a short while. Try again in %(num)s seconds.",
            seconds,
        )
    return ngettext(
        "You have done this many times in a short while. Try again in %(num)s minute.",
        "You have done this many times in a short while. Try again in %(num)s minutes.",
        minutes,
    )


def reset() -> None:
    """Forget every count (tests start each case afresh)."""
    current_app.extensions["action_limiter"].reset()
