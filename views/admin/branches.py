"""Branches in «الإدارة»: where each is, what it gives, and its plan for each weekday."""

from datetime import date, timedelta

from flask import flash, g, render_template, request, url_for
from flask_babel import _, ngettext

from domain import branches as branch_admin
from domain.dates import WEEKEND, format_weekday
from domain.errors import Conflict, Refused
from models import Branch, City, Region, Role, Sector, Service
from views.access import found_or_404, roles_required
from views.admin import bp
from views.admin.forms import BranchEditForm, BranchForm, WeekdayForm
from views.rendering import redirect_after_post

# Monday is 0; the week as Saudis count it starts on Sunday.
WEEK = (6, 0, 1, 2, 3, 4, 5)


def conflict_text():
    return _("Another administrator changed this first. Here it is as it stands now; make your change again.")


def weekday_name(weekday):
    return format_weekday(date(2027, 1, 4) + timedelta(days=weekday))  # 4 January 2027 is a Monday


def _trail(branch=None):
    trail = [
        {"text": _("Administration"), "href": url_for("admin.index")},
        {"text": _("Branches"), "href": url_for("admin.branch_list")},
    ]
    if branch is not None:
        trail.append({"text": branch.name, "href": url_for("admin.branch_edit", branch_id=branch.id)})
    return trail


@bp.route("/branches")
@roles_required(Role.ADMIN)
def branch_list():
    """Every branch by sector and city, retired ones marked."""
    return render_template("admin/branches.html", branches=branch_admin.branches())


def _picked(model, value):
    return model.get_or_none(model.id == int(value)) if (value or "").isdigit() and len(value) < 12 else None


def _choices(form, sector_id):
    cities = City.select(City, Region).join(Region).order_by(Region.position, City.position, City.id)
    form.city.choices = [("", _("Choose…"))] + [(str(c.id), f"{c.name} — {c.region.name}") for c in cities]
    if hasattr(form, "sector"):
        form.sector.choices = [("", _("Choose…"))] + [
            (str(s.id), s.name) for s in Sector.select().order_by(Sector.position, Sector.id)
        ]
    services = Service.select().order_by(Service.sector, Service.position, Service.id)
    if sector_id:
        services = services.where(Service.sector == sector_id)
    form.service_items = [
        {"value": str(s.id), "text": s.name if s.active else _("%(name)s (retired)", name=s.name)} for s in services
    ]


def _refused(form, refusal):
    field = getattr(form, refusal.code, None) if refusal.code and refusal.code != "dropped" else None
    if field is not None:
        field.errors = [str(refusal.message)]
    else:
        form.form_errors.append(str(refusal.message))


def _service_ids(form):
    return [int(v) for v in form.services.data or [] if v.isdigit() and len(v) < 12]


def _place(form):
    """The branch's fields as the domain takes them."""
    return dict(
        name_ar=form.name_ar.data,
        name_en=form.name_en.data,
        address_ar=form.address_ar.data or "",
        address_en=form.address_en.data or "",
        opens=form.opens.data,
        closes=form.closes.data,
    )


@bp.route("/branches/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def branch_new():
    """Open a branch of a sector in a city."""
    form = BranchForm() if request.method == "POST" else BranchForm(formdata=None, opens="07:30", closes="14:30")
    sector = _picked(Sector, form.sector.data)
    _choices(form, sector.id if sector else None)
    page = {"form": form, "title": _("New branch"), "action": url_for("admin.branch_new"), "trail": _trail()}
    if request.form.get("show_services"):
        return render_template("admin/branch_form.html", **page)
    if not form.validate_on_submit():
        return render_template("admin/branch_form.html", **page), 422 if form.errors else 200
    city = _picked(City, form.city.data)
    if sector is None:
        form.sector.errors = [_("Choose the sector.")]
    if city is None:
        form.city.errors = [_("Choose the city.")]
    if form.errors:
        return render_template("admin/branch_form.html", **page), 422
    try:
        branch = branch_admin.open_branch(
            g.user, form.code.data, sector, city, service_ids=_service_ids(form), **_place(form)
        )
    except Refused as refusal:
        _refused(form, refusal)
        return render_template("admin/branch_form.html", **page), 422
    flash(_("«%(name)s» is saved.", name=branch.name), "success")
    return redirect_after_post(url_for("admin.branch_edit", branch_id=branch.id))


def _render_branch(branch, form=None, status=200, dropped=()):
    if form is None:
        form = BranchEditForm(formdata=None, obj=branch)
        form.city.data = str(branch.city_id)
        form.services.data = [str(s.id) for s in branch_admin.offered(branch)]
    _choices(form, branch.sector_id)
    plans = branch_admin.weekday_plans(branch)
    week = [(weekday, weekday_name(weekday), plans.get(weekday)) for weekday in WEEK]
    return (
        render_template(
            "admin/branch.html",
            branch=branch,
            form=form,
            trail=_trail(),
            week=week,
            weekend=WEEKEND,
            dropped=dropped,
            action=url_for("admin.branch_edit", branch_id=branch.id),
        ),
        status,
    )


@bp.route("/branches/<int:branch_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def branch_edit(branch_id):
    """Change a branch: its place, usual hours and services, or retire it; and reach its weekday plans."""
    branch = found_or_404(Branch.get_or_none(Branch.id == branch_id))
    if request.method == "GET":
        return _render_branch(branch)
    form = BranchEditForm()
    if not form.validate_on_submit():
        return _render_branch(branch, form, 422)
    city = _picked(City, form.city.data)
    if city is None:
        form.city.errors = [_("Choose the city.")]
        return _render_branch(branch, form, 422)
    try:
        changed = branch_admin.change_branch(
            g.user,
            branch,
            form.version.data,
            city,
            service_ids=_service_ids(form),
            active=form.active.data,
            **_place(form),
        )
    except Conflict:
        flash(conflict_text(), "error")
        return _render_branch(Branch.get_by_id(branch.id), status=409)
    except Refused as refusal:
        _refused(form, refusal)
        return _render_branch(branch, form, 422, getattr(refusal, "appointments", ()))
    flash(_("«%(name)s» is saved.", name=changed.name), "success")
    return redirect_after_post(url_for("admin.branch_edit", branch_id=branch.id))


# --- A weekday's plan ----------------------------------------------------


def _render_weekday(branch, weekday, form, rows, errors=None, status=200, dropped=()):
    return (
        render_template(
            "admin/branch_weekday.html",
            branch=branch,
            weekday=weekday,
            title=_("%(branch)s: %(weekday)s", branch=branch.name, weekday=weekday_name(weekday)),
            form=form,
            rows=rows,
            errors=errors or {},
            trail=_trail(branch),
            dropped=dropped,
            coming=len(branch_admin.coming_appointments(branch, weekday)),
        ),
        status,
    )


def _stored_rows(branch, day):
    stored = branch_admin.seats_of(day)
    return [
        {
            "service": service,
            "minutes": str(stored.get(service.id, (service.slot_minutes, service.slot_capacity))[0]),
            "seats": str(stored.get(service.id, (service.slot_minutes, service.slot_capacity))[1]),
        }
        for service in branch_admin.offered(branch)
    ]


def _stored_form(branch, day):
    if day is None:
        return WeekdayForm(formdata=None, is_open=True, opens=branch.opens, closes=branch.closes, version="0")
    return WeekdayForm(formdata=None, obj=day)


def _typed_rows(branch):
    """What was typed for each service, and the messages of what is wrong, keyed by the field's id."""
    rows, errors, per_service = [], {}, {}
    for service in branch_admin.offered(branch):
        minutes = request.form.get(f"minutes-{service.id}", "").strip()
        seats = request.form.get(f"seats-{service.id}", "").strip()
        rows.append({"service": service, "minutes": minutes, "seats": seats})
        good_minutes = minutes.isdigit() and 5 <= int(minutes) <= 240
        good_seats = seats.isdigit() and 0 <= int(seats) <= 200
        if not good_minutes:
            errors[f"minutes-{service.id}"] = _("Enter a slot length from 5 to 240 minutes.")
        if not good_seats:
            errors[f"seats-{service.id}"] = _("Enter a number of seats from 0 to 200.")
        if good_minutes and good_seats:
            per_service[service.id] = (int(minutes), int(seats))
    return rows, errors, per_service


@bp.route("/branches/<int:branch_id>/weekdays/<int:weekday>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def branch_weekday(branch_id, weekday):
    """Set a weekday's hours and, per service, the slot length and seats; never dropping a booked seat."""
    branch = found_or_404(Branch.get_or_none(Branch.id == branch_id))
    if weekday not in WEEK or weekday in WEEKEND:
        return found_or_404(None)
    day = branch_admin.weekday_plans(branch).get(weekday)
    if request.method == "GET":
        return _render_weekday(branch, weekday, _stored_form(branch, day), _stored_rows(branch, day))
    form = WeekdayForm()
    rows, errors, per_service = _typed_rows(branch)
    form.validate_on_submit()
    if form.is_open.data:
        try:
            branch_admin.checked_hours(form.opens.data, form.closes.data)
        except Refused as refusal:
            getattr(form, refusal.code).errors = [str(refusal.message)]
    if form.errors or (errors and form.is_open.data):
        return _render_weekday(branch, weekday, form, rows, errors, 422)
    try:
        touched = branch_admin.save_weekday(
            g.user,
            branch,
            weekday,
            form.version.data,
            form.is_open.data,
            form.opens.data,
            form.closes.data,
            per_service,
        )
    except Conflict:
        flash(conflict_text(), "error")
        day = branch_admin.weekday_plans(branch).get(weekday)
        return _render_weekday(branch, weekday, _stored_form(branch, day), _stored_rows(branch, day), status=409)
    except Refused as refusal:
        if refusal.code in ("opens", "closes"):
            getattr(form, refusal.code).errors = [str(refusal.message)]
        else:
            form.form_errors.append(str(refusal.message))
        return _render_weekday(branch, weekday, form, rows, errors, 422, getattr(refusal, "appointments", ()))
    if touched:
        flash(
            ngettext(
                "The plan of %(weekday)s is saved. The %(num)d coming appointment on this weekday keeps its time.",
                "The plan of %(weekday)s is saved. The %(num)d coming appointments on this weekday keep their times.",
                touched,
                weekday=weekday_name(weekday),
            ),
            "success",
        )
    else:
        flash(_("The plan of %(weekday)s is saved.", weekday=weekday_name(weekday)), "success")
    return redirect_after_post(url_for("admin.branch_edit", branch_id=branch.id))
