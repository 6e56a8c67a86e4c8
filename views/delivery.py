"""Document delivery through Saudi Post (توصيل الوثائق)."""
from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from models import Role
from views.access import roles_required

bp = Blueprint("delivery", __name__)


@bp.route("/delivery")
@roles_required(Role.BENEFICIARY)
def index():
    """Show the beneficiary's ready documents and delivery requests."""
    return render_template("portal/coming.html", title=_l("Document delivery"))


@bp.route("/officer/deliveries")
@roles_required(Role.OFFICER)
def officer_list():
    """Show deliveries for the delivery officer."""
    return render_template("portal/coming.html", title=_l("Delivery requests"))


@bp.route("/desk/returned-documents")
@roles_required(Role.DESK)
def desk_returns():
    """Show documents returned to the desk's branch, to hand over to their owners."""
    return render_template("portal/coming.html", title=_l("Returned documents"))
