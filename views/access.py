"""Who is signed in, and which views they may open."""

from functools import wraps

from flask import abort, g, redirect, request, session, url_for

from domain.accounts import user_for_session
from models import Role

ROLE_HOME = {
    Role.BENEFICIARY: "portal.home",
    Role.AGENT: "messages.inbox",
    Role.DESK: "appointments.desk",
    Role.OFFICER: "delivery.officer_list",
    Role.ADMIN: "admin.index",
}


def load_current_user():
    g.user = user_for_session(session.get("sid"))


def home_for(user):
    return url_for(ROLE_HOME[user.role])


def login_required(view):
    """Send visitors who are not signed in to the sign-in page, then back."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if g.user is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def roles_required(*roles):
    """Let only these roles open the view; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if g.user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def found_or_404(record):
    """The record a domain query found for the signed-in person, or 404 when it found none."""
    if record is None:
        abort(404)
    return record
