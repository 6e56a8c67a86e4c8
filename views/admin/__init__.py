"""«الإدارة»: the administrator's overview, the staff accounts and the keys of the Open311 interface."""

from flask import Blueprint, render_template

from domain import counts
from models import Role
from views.access import roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@roles_required(Role.ADMIN)
def index():
    """Show how many accounts of each role and how many requests there are."""
    accounts = counts.by_status(counts.ACCOUNT)
    return render_template(
        "admin/index.html",
        role_counts=[(role, accounts.get(role, 0)) for role in Role.ALL],
        request_count=counts.total(counts.REQUEST),
    )


from views.admin import (  # noqa: E402,F401 - they register their routes on bp
    api_keys,
    audit,
    branches,
    catalog,
    closures,
    staff,
)
