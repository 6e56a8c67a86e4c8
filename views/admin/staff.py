"""Staff accounts in «الإدارة»: the list, opening one, and changing, stopping or resetting it."""

from flask import flash, g, render_template, request, url_for
from flask_babel import _

from domain import staff
from domain.errors import Conflict, Refused
from domain.requests import sectors
from models import Branch, Role
from views.access import found_or_404, roles_required
from views.admin import bp
from views.admin.forms import ScopeForm, StaffForm
from views.rendering import ROLE_NAMES, redirect_after_post

FIELD_OF_REFUSAL = {"national_id": "national_id", "sector": "sector", "branch": "branch", "role": "role"}


def password_link():
    return url_for("auth.forgot_password", _external=True)


def _choices(form):
    form.role.choices = [("", _("Choose…"))] + [(role, str(ROLE_NAMES[role])) for role in staff.STAFF_ROLES]
    form.sector.choices = [("", "—")] + [(str(sector.id), sector.name) for sector in sectors()]
    form.branch.choices = [("", "—")] + [
        (str(branch.id), branch.name) for branch in Branch.select().order_by(Branch.code)
    ]


def _scope(form):
    sector = next((s for s in sectors() if str(s.id) == form.sector.data), None)
    branch = Branch.get_or_none(Branch.id == form.branch.data) if (form.branch.data or "").isdigit() else None
    return staff.Scope(form.role.data, sector, branch)


def _refusal_to_form(form, refusal):
    field = FIELD_OF_REFUSAL.get(refusal.code)
    if field:
        getattr(form, field).errors = [str(refusal.message)]
    else:
        form.form_errors.append(str(refusal.message))


@bp.route("/staff")
@roles_required(Role.ADMIN)
def staff_list():
    """Every staff account, one role when chosen."""
    role = request.args.get("role", "")
    return render_template("admin/staff.html", members=list(staff.members(role)), role=role, roles=staff.STAFF_ROLES)


@bp.route("/staff/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def staff_new():
    """Open a staff account; its owner sets the password with a code to their phone."""
    form = StaffForm()
    _choices(form)
    if not form.validate_on_submit():
        return render_template("admin/staff_form.html", form=form), 422 if form.errors else 200
    try:
        member = staff.open_account(
            g.user,
            form.national_id.data,
            form.name_ar.data,
            form.name_en.data,
            form.phone.data,
            form.email.data or "",
            _scope(form),
            password_link(),
        )
    except Refused as refusal:
        _refusal_to_form(form, refusal)
        return render_template("admin/staff_form.html", form=form), 422
    flash(
        _(
            "The account of %(name)s is open. They set their password with a code sent to their phone.",
            name=member.name,
        ),
        "success",
    )
    return redirect_after_post(url_for("admin.staff_member", user_id=member.id))


def _render_member(member, form=None, status=200):
    form = form or ScopeForm(
        formdata=None,
        role=member.role,
        sector=str(member.sector_id or ""),
        branch=str(member.branch_id or ""),
        version=member.version,
    )
    _choices(form)
    return render_template("admin/staff_member.html", member=member, form=form), status


@bp.route("/staff/<int:user_id>")
@roles_required(Role.ADMIN)
def staff_member(user_id):
    return _render_member(found_or_404(staff.member(user_id)))


@bp.route("/staff/<int:user_id>/scope", methods=["POST"])
@roles_required(Role.ADMIN)
def staff_scope(user_id):
    """Change the account's role, sector or branch."""
    member = found_or_404(staff.member(user_id))
    form = ScopeForm()
    _choices(form)
    if not form.validate_on_submit():
        return _render_member(member, form, 422)
    try:
        staff.rescope(g.user, member, form.version.data, _scope(form))
    except Conflict as conflict:
        flash(_("Another administrator changed this account first. Here it is as it stands now."), "error")
        return _render_member(conflict.current, status=409)
    except Refused as refusal:
        _refusal_to_form(form, refusal)
        return _render_member(member, form, 422)
    flash(_("The account's role and scope are saved."), "success")
    return redirect_after_post(url_for("admin.staff_member", user_id=user_id))


@bp.route("/staff/<int:user_id>/<any(deactivate, reactivate, reset_password):action>", methods=["POST"])
@roles_required(Role.ADMIN)
def staff_action(user_id, action):
    """Stop, restart, or reset the password of the account."""
    member = found_or_404(staff.member(user_id))
    version = request.form.get("version")
    try:
        if action == "reset_password":
            staff.reset_password(g.user, member, version, password_link())
            flash(
                _("The password is reset and the account signed out. A code to set a new one goes to its phone."),
                "success",
            )
        elif action == "deactivate":
            staff.deactivate(g.user, member, version)
            flash(_("The account is stopped and signed out everywhere."), "success")
        else:
            staff.reactivate(g.user, member, version)
            flash(_("The account can sign in again."), "success")
    except Conflict as conflict:
        flash(_("Another administrator changed this account first. Here it is as it stands now."), "error")
        return _render_member(conflict.current, status=409)
    except Refused as refusal:
        flash(str(refusal.message), "error")
        return _render_member(member, status=422)
    return redirect_after_post(url_for("admin.staff_member", user_id=user_id))
