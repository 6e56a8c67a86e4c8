"""Holidays and closures in «الإدارة»: the coming ones, and closing a day with its appointments' people told."""

from flask import flash, g, render_template, request, url_for
from flask_babel import _, ngettext

from domain import closures
from domain.dates import parse_day
from domain.errors import Conflict, Refused
from models import Branch, Role
from views.access import roles_required
from views.admin import bp
from views.admin.forms import ClosureForm
from views.rendering import redirect_after_post

FIELD_OF_REFUSAL = {"day": "day", "starts": "starts", "opens": "starts", "closes": "ends"}


def _trail():
    return [{"text": _("Administration"), "href": url_for("admin.index")}]


@bp.route("/closures")
@roles_required(Role.ADMIN)
def closure_list():
    """The national holidays and branch closures from today on."""
    return render_template("admin/closures.html", closures=closures.coming(), trail=_trail())


def rebook_link(appointment, day):
    """The booking wizard at the same branch and service, on the first free day when there is one."""
    branch = appointment.branch
    params = {
        "sector": branch.sector.code,
        "service": appointment.service.code,
        "region": branch.city.region.code,
        "branch": branch.code,
    }
    if day is not None:
        params["date"] = day.isoformat()
    return url_for("appointments.book", _external=True, **params)


def _choices(form):
    form.branch.choices = [("", _("All branches: a national holiday"))] + [
        (str(b.id), b.name)
        for b in Branch.select().where(Branch.active == True).order_by(Branch.code)  # noqa: E712
    ]


def _branch(form):
    value = form.branch.data or ""
    return Branch.get_or_none(Branch.id == int(value)) if value.isdigit() and len(value) < 12 else None


def _render(form, affected=None, status=200):
    return render_template("admin/closure_form.html", form=form, affected=affected, trail=_trail()), status


@bp.route("/closures/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def closure_new():
    """Close a day: first the appointments it would cancel, then, confirmed, cancel them and tell each person."""
    form = ClosureForm()
    _choices(form)
    if not form.validate_on_submit():
        return _render(form, status=422 if form.errors else 200)
    day, branch = parse_day(form.day.data), _branch(form)
    if form.branch.data and branch is None:
        form.branch.errors = [_("Choose a branch from the list.")]
        return _render(form, status=422)
    starts, ends = form.starts.data or "", form.ends.data or ""
    try:
        starts, ends = closures.checked(day, branch, starts, ends)
    except Refused as refusal:
        getattr(form, FIELD_OF_REFUSAL.get(refusal.code, "day")).errors = [str(refusal.message)]
        return _render(form, status=422)
    affected = closures.affected(day, branch, starts, ends)
    if not request.form.get("confirm") or not form.seen.data:
        form.seen.data = closures.fingerprint(affected)
        return _render(form, affected)
    try:
        _holiday, cancelled = closures.close(
            g.user, day, branch, starts, ends, form.name_ar.data, form.name_en.data, form.seen.data, rebook_link
        )
    except Conflict as conflict:
        flash(str(conflict.message), "error")
        form.seen.data = closures.fingerprint(conflict.current)
        return _render(form, conflict.current, 409)
    flash(
        ngettext(
            "The day is closed. %(num)d appointment is cancelled and its person told by SMS and notification.",
            "The day is closed. %(num)d appointments are cancelled and their people told by SMS and notification.",
            len(cancelled),
        ),
        "success",
    )
    return redirect_after_post(url_for("admin.closure_list"))
