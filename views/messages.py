"""Messages and requests (الرسائل والطلبات): beneficiaries and the sector's agents."""
from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from models import Role
from views.access import roles_required

bp = Blueprint("messages", __name__)


@bp.route("/messages")
@roles_required(Role.BENEFICIARY)
def index():
    """Show the beneficiary's messages and requests."""
    return render_template("portal/coming.html", title=_l("Messages and requests"))


@bp.route("/sector/inbox")
@roles_required(Role.AGENT)
def inbox():
    """Show the sector's incoming requests."""
    return render_template("portal/coming.html", title=_l("Incoming requests"))
