"""«الإدارة»: the administrator's overview and the staff accounts."""

from flask import Blueprint, render_template
from peewee import fn

from models import Role, ServiceRequest, User
from views.access import roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@roles_required(Role.ADMIN)
def index():
    """Show how many accounts of each role and how many requests there are."""
    counts = dict(User.select(User.role, fn.COUNT(User.id)).group_by(User.role).tuples())
    return render_template(
        "admin/index.html",
        role_counts=[(role, counts.get(role, 0)) for role in Role.ALL],
        request_count=ServiceRequest.select().count(),
    )


from views.admin import audit, staff  # noqa: E402,F401 - they register their routes on bp
