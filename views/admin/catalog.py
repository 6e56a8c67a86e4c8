"""The catalog in «الإدارة»: sectors, their sections and services, opened, changed and retired."""

from flask import flash, g, render_template, request, url_for
from flask_babel import _

from domain import catalog_admin
from domain.errors import Conflict, Refused
from models import Role, Section, Sector, Service
from views.access import found_or_404, roles_required
from views.admin import bp
from views.admin.forms import SectionForm, SectorForm, ServiceForm
from views.rendering import redirect_after_post


@bp.route("/catalog")
@roles_required(Role.ADMIN)
def catalog_index():
    """Every sector with its sections and services, retired ones marked."""
    tree = []
    for sector in catalog_admin.sectors():
        sections = list(Section.select().where(Section.sector == sector).order_by(Section.position, Section.id))
        services = list(Service.select().where(Service.sector == sector).order_by(Service.position, Service.id))
        tree.append((sector, [(section, [s for s in services if s.section_id == section.id]) for section in sections]))
    return render_template("admin/catalog.html", tree=tree)


def _render(form, title, action, trail, record=None, status=200):
    return (
        render_template("admin/catalog_form.html", form=form, title=title, action=action, trail=trail, record=record),
        status,
    )


def _refused(form, refusal):
    field = getattr(form, refusal.code, None) if refusal.code else None
    if field is not None:
        field.errors = [str(refusal.message)]
    else:
        form.form_errors.append(str(refusal.message))


def _trail(*items):
    return (
        [{"text": _("Administration"), "href": url_for("admin.index")}]
        + [{"text": _("Catalog"), "href": url_for("admin.catalog_index")}]
        + list(items)
    )


def _values(form, names):
    return {name: getattr(form, name).data for name in names if hasattr(form, name)}


def _saved(record):
    flash(_("«%(name)s» is saved.", name=record.name), "success")
    return redirect_after_post(url_for("admin.catalog_index") + f"#{type(record).__name__.lower()}-{record.id}")


# --- Sectors -------------------------------------------------------------


@bp.route("/catalog/sectors/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def sector_new():
    """Open a sector."""
    form = SectorForm()
    title, action = _("New sector"), url_for("admin.sector_new")
    if not form.validate_on_submit():
        return _render(form, title, action, _trail(), status=422 if form.errors else 200)
    try:
        sector = catalog_admin.open_sector(
            g.user, form.code.data, form.name_ar.data, form.name_en.data, form.position.data
        )
    except Refused as refusal:
        _refused(form, refusal)
        return _render(form, title, action, _trail(), status=422)
    return _saved(sector)


@bp.route("/catalog/sectors/<int:sector_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def sector_edit(sector_id):
    """Rename, reorder or retire a sector."""
    sector = found_or_404(Sector.get_or_none(Sector.id == sector_id))
    form = SectorForm() if _posted() else SectorForm(formdata=None, obj=sector)
    del form.code
    action = url_for("admin.sector_edit", sector_id=sector.id)
    if not form.validate_on_submit():
        return _render(form, sector.name, action, _trail(), sector, 422 if form.errors else 200)
    try:
        sector = catalog_admin.change_sector(g.user, sector, form.version.data, **_values(form, SECTOR_NAMES))
    except Conflict as conflict:
        return _conflict(SectorForm, conflict.current, action, _trail())
    return _saved(sector)


SECTOR_NAMES = ("name_ar", "name_en", "position", "active")


def _posted():
    return request.method == "POST"


def _conflict(form_class, current, action, trail):
    flash(_("Another administrator changed this first. Here it is as it stands now; make your change again."), "error")
    form = form_class(formdata=None, obj=current)
    del form.code
    if form_class is ServiceForm:
        form.section.data = str(current.section_id)
        _section_choices(form, current.sector_id)
    return _render(form, current.name, action, trail, current, 409)


# --- Sections ------------------------------------------------------------


@bp.route("/catalog/sectors/<int:sector_id>/sections/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def section_new(sector_id):
    """Open a section in a sector."""
    sector = found_or_404(Sector.get_or_none(Sector.id == sector_id))
    form = SectionForm()
    title = _("New section of «%(sector)s»", sector=sector.name)
    action = url_for("admin.section_new", sector_id=sector_id)
    if not form.validate_on_submit():
        return _render(form, title, action, _trail(), status=422 if form.errors else 200)
    try:
        section = catalog_admin.open_section(
            g.user, sector, form.code.data, form.name_ar.data, form.name_en.data, form.position.data
        )
    except Refused as refusal:
        _refused(form, refusal)
        return _render(form, title, action, _trail(), status=422)
    return _saved(section)


@bp.route("/catalog/sections/<int:section_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def section_edit(section_id):
    """Rename, reorder or retire a section; a retired section's services leave the lists with it."""
    section = found_or_404(Section.get_or_none(Section.id == section_id))
    form = SectionForm() if _posted() else SectionForm(formdata=None, obj=section)
    del form.code
    action = url_for("admin.section_edit", section_id=section.id)
    if not form.validate_on_submit():
        return _render(form, section.name, action, _trail(), section, 422 if form.errors else 200)
    try:
        section = catalog_admin.change_section(g.user, section, form.version.data, **_values(form, SECTOR_NAMES))
    except Conflict as conflict:
        return _conflict(SectionForm, conflict.current, action, _trail())
    return _saved(section)


# --- Services ------------------------------------------------------------

SERVICE_NAMES = (
    "name_ar",
    "name_en",
    "position",
    "response_days",
    "requirements_ar",
    "requirements_en",
    "bookable",
    "accepts_requests",
    "slot_minutes",
    "slot_capacity",
    "active",
)


def _section_choices(form, sector_id):
    sections = Section.select().where(Section.sector == sector_id).order_by(Section.position, Section.id)
    form.section.choices = [("", _("Choose…"))] + [
        (str(s.id), s.name if s.active else _("%(name)s (retired)", name=s.name)) for s in sections
    ]


def _chosen_section(form, sector_id):
    value = form.section.data or ""
    section = Section.get_or_none(Section.id == int(value)) if value.isdigit() and len(value) < 12 else None
    if section is None or section.sector_id != sector_id:
        form.section.errors = [str(catalog_admin.OTHER_SECTOR)]
        return None
    return section


@bp.route("/catalog/sections/<int:section_id>/services/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def service_new(section_id):
    """Open a service in a section."""
    section = found_or_404(Section.get_or_none(Section.id == section_id))
    if _posted():
        form = ServiceForm()
    else:
        form = ServiceForm(formdata=None, section=str(section.id), response_days=7, slot_minutes=15, slot_capacity=3)
    _section_choices(form, section.sector_id)
    title = _("New service of «%(section)s»", section=section.name)
    action = url_for("admin.service_new", section_id=section_id)
    valid = form.validate_on_submit()
    chosen = _chosen_section(form, section.sector_id) if valid else None
    if chosen is None:
        return _render(form, title, action, _trail(), status=422 if form.errors else 200)
    try:
        service = catalog_admin.open_service(g.user, chosen, form.code.data, **_values(form, SERVICE_NAMES))
    except Refused as refusal:
        _refused(form, refusal)
        return _render(form, title, action, _trail(), status=422)
    return _saved(service)


@bp.route("/catalog/services/<int:service_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def service_edit(service_id):
    """Change a service, or retire it: it leaves new requests and bookings and stays on the old ones."""
    service = found_or_404(Service.get_or_none(Service.id == service_id))
    if _posted():
        form = ServiceForm()
    else:
        form = ServiceForm(formdata=None, obj=service)
        form.section.data = str(service.section_id)
    del form.code
    _section_choices(form, service.sector_id)
    action = url_for("admin.service_edit", service_id=service.id)
    valid = form.validate_on_submit()
    chosen = _chosen_section(form, service.sector_id) if valid else None
    if chosen is None:
        return _render(form, service.name, action, _trail(), service, 422 if form.errors else 200)
    try:
        service = catalog_admin.change_service(
            g.user, service, form.version.data, chosen, **_values(form, SERVICE_NAMES)
        )
    except Conflict as conflict:
        return _conflict(ServiceForm, conflict.current, action, _trail())
    except Refused as refusal:
        _refused(form, refusal)
        return _render(form, service.name, action, _trail(), service, 422)
    return _saved(service)
