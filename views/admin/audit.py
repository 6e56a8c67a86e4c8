"""The audit log in «الإدارة»: read and filtered, never edited."""

from flask import render_template, request
from flask_babel import lazy_gettext as _l

from domain import audit
from models import Role
from views.access import roles_required
from views.admin import bp

ACTION_NAMES = {
    "appointment.attendance": _l("Attendance recorded"),
    "request.take": _l("Request taken"),
    "request.status": _l("Request status changed"),
    "request.reply": _l("Request answered"),
    "delivery.status": _l("Delivery status changed"),
    "staff.open": _l("Staff account opened"),
    "staff.scope": _l("Role or scope changed"),
    "staff.deactivate": _l("Account stopped"),
    "staff.reactivate": _l("Account restarted"),
    "staff.reset_password": _l("Password reset"),
    "sector.open": _l("Sector opened"),
    "sector.change": _l("Sector changed"),
    "sector.retire": _l("Sector retired"),
    "section.open": _l("Section opened"),
    "section.change": _l("Section changed"),
    "section.retire": _l("Section retired"),
    "service.open": _l("Service opened"),
    "service.change": _l("Service changed"),
    "service.retire": _l("Service retired"),
    "branch.open": _l("Branch opened"),
    "branch.change": _l("Branch changed"),
    "branch.retire": _l("Branch retired"),
    "branch.plan": _l("Weekday plan changed"),
    "closure.open": _l("Holiday or closure added"),
    "appointment.cancel": _l("Appointment cancelled by a closure"),
    "api_key.issue": _l("API key issued"),
    "api_key.revoke": _l("API key revoked"),
}
KIND_NAMES = {
    "request": _l("Requests"),
    "appointment": _l("Appointments"),
    "delivery": _l("Deliveries"),
    "user": _l("Staff accounts"),
    "sector": _l("Sectors"),
    "section": _l("Sections"),
    "service": _l("Services"),
    "branch": _l("Branches"),
    "closure": _l("Holidays and closures"),
    "api_key": _l("API keys"),
}


@bp.route("/audit")
@roles_required(Role.ADMIN)
def audit_log():
    """Every staff action, newest first, by kind of record and record number."""
    kind = request.args.get("kind", "")
    subject = request.args.get("subject", "").strip()[:40]
    before = request.args.get("before", type=int)
    found = audit.entries(kind if kind in audit.KINDS else "", subject, before)
    page, more = found[: audit.PAGE_SIZE], len(found) > audit.PAGE_SIZE
    return render_template(
        "admin/audit.html",
        entries=page,
        more=more,
        kind=kind,
        subject=subject,
        kind_items=[{"value": value, "text": name} for value, name in KIND_NAMES.items()],
        action_names=ACTION_NAMES,
    )
