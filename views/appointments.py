"""Appointments (المواعيد): booking a branch visit, the slip, and the branch desk."""
from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from models import Role
from views.access import roles_required

bp = Blueprint("appointments", __name__)


@bp.route("/appointments")
@roles_required(Role.BENEFICIARY)
def index():
    """Show the beneficiary's appointments."""
    return render_template("portal/coming.html", title=_l("Appointments"))


@bp.route("/appointments/book")
@roles_required(Role.BENEFICIARY)
def book():
    """Start booking; ?request=<reference> carries a request that needs a branch visit."""
    return render_template("portal/coming.html", title=_l("Book an appointment"))


@bp.route("/desk")
@roles_required(Role.DESK)
def desk():
    """Show the branch's appointments of the day."""
    return render_template("portal/coming.html", title=_l("Branch desk"))
