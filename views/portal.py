"""The portal's own pages: home, «خدمات», «الخدمات العامة», language, notifications."""

from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for

from domain.notifier import mark_read
from models import Notification, Role
from views.access import home_for, login_required, roles_required
from views.forms import Form
from views.rendering import safe_next

bp = Blueprint("portal", __name__)


@bp.route("/")
def home():
    """Show the beneficiary's home with «خدمات»; staff go to their own desk."""
    if g.user is None:
        return render_template("portal/welcome.html")
    if g.user.role != Role.BENEFICIARY:
        return redirect(home_for(g.user))
    return render_template("portal/home.html")


@bp.route("/services")
@roles_required(Role.BENEFICIARY)
def services():
    """List the groups of services («خدمات»)."""
    return render_template("portal/services.html")


@bp.route("/services/general")
@roles_required(Role.BENEFICIARY)
def general_services():
    """List «الخدمات العامة»: messages and requests, appointments, delivery."""
    return render_template("portal/general_services.html")


@bp.route("/language", methods=["POST"])
def language():
    """Switch the page language and go back to the same page."""
    chosen = request.form.get("lang")
    if chosen not in ("ar", "en"):
        abort(400)
    session["lang"] = chosen
    return redirect(safe_next(request.form.get("next"), url_for("portal.home")), 303)


@bp.route("/notifications")
@login_required
def notifications():
    """Show the person's notifications, newest first; reading them changes nothing until they say so."""
    items = list(Notification.latest(g.user))
    return render_template("portal/notifications.html", items=items)


@bp.route("/notifications/read", methods=["POST"])
@login_required
def notifications_read():
    """Mark read what the page showed («تعليم الكل كمقروء»)."""
    if Form().validate_on_submit():
        mark_read(g.user, request.form.get("up_to", 0, type=int))
    return redirect(url_for("portal.notifications"), 303)
