"""«مفاتيح الواجهة البرمجية»: the keys other systems send requests with through the Open311 interface."""

from flask import flash, g, render_template, url_for
from flask_babel import _

from domain import open311
from domain.errors import Refused
from domain.requests import sectors
from models import Role
from views.access import found_or_404, roles_required
from views.admin import bp
from views.admin.forms import ApiKeyForm
from views.rendering import redirect_after_post


def _sector_items():
    return [{"value": sector.code, "text": sector.name} for sector in sectors()]


def _render_form(form, status=200):
    return render_template("admin/api_key_form.html", form=form, sector_items=_sector_items()), status


@bp.route("/api-keys")
@roles_required(Role.ADMIN)
def api_keys():
    """Every key, active ones first."""
    return render_template("admin/api_keys.html", keys=open311.keys())


@bp.route("/api-keys/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def api_key_new():
    """Issue a key and show its token, this once."""
    form = ApiKeyForm()
    if not form.validate_on_submit():
        return _render_form(form, 422 if form.errors else 200)
    chosen = [sector for sector in sectors() if sector.code in (form.sectors.data or [])]
    try:
        key, token = open311.issue_key(g.user, form.name.data, form.owner.data, chosen)
    except Refused as refusal:
        field = getattr(form, refusal.code, None) if refusal.code in ("name", "owner", "sectors") else None
        if field is not None:
            field.errors = [str(refusal.message)]
        else:
            form.form_errors.append(str(refusal.message))
        return _render_form(form, 422)
    # Shown here and never again: only its digest is kept, so the page is not a redirect.
    return render_template("admin/api_key_issued.html", key=key, token=token, sectors=chosen), 201


@bp.route("/api-keys/<int:key_id>/revoke", methods=["POST"])
@roles_required(Role.ADMIN)
def api_key_revoke(key_id):
    """Stop a key at once."""
    key = found_or_404(open311.key_by_id(key_id))
    if open311.revoke_key(g.user, key):
        flash(_("The key %(name)s is revoked: requests sent with it are refused.", name=key.name), "success")
    else:
        flash(_("This key was already revoked."), "error")
    return redirect_after_post(url_for("admin.api_keys"))
