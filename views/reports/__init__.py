"""«التقارير»: how the services perform, as charts, tables and CSV, for the staff who run them.

Administrators see every sector and branch; an agent sees their sector, a
desk their branch, a delivery officer the deliveries.
"""

from flask import Blueprint, Response, abort, g, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _

from domain.dates import format_gregorian
from domain.reports.periods import parse_period
from models import Role
from views.access import roles_required
from views.reports.charts import bar_chart
from views.reports.tables import csv_lines

bp = Blueprint("reports", __name__, url_prefix="/reports")

REPORT_ROLES = {
    "requests": (Role.ADMIN, Role.AGENT),
    "appointments": (Role.ADMIN, Role.AGENT, Role.DESK),
    "deliveries": (Role.ADMIN, Role.OFFICER),
}
# Longer periods are drawn, and shown, week by week; their days are downloaded.
DAILY_UP_TO = 62
PERIOD_ERRORS = {
    "date": lambda: _("Enter a date such as 2027-02-18."),
    "order": lambda: _("The last day must be on or after the first day."),
    "long": lambda: _("Choose at most 366 days."),
}


def reports_for(user) -> list[str]:
    """The reports a person may open, in the order the index lists them."""
    return [name for name, roles in REPORT_ROLES.items() if user.role in roles]


def period_from_args():
    """The period the filter form asks for, with its errors as messages for the error summary."""
    period, problems = parse_period(request.args.get("first"), request.args.get("last"))
    return period, {name: PERIOD_ERRORS[problem]() for name, problem in problems.items()}


def chart_of(series, names, weekly):
    """The bar chart of a report's days, or of its weeks for a long period."""
    rows = series.by_week().rows if weekly else series.rows
    groups = [(format_gregorian(day), list(values.values())) for day, values in rows]
    return bar_chart(groups, names, rtl(), label_every=max(len(groups) // 6, 1))


def rtl() -> bool:
    return get_locale().text_direction == "rtl"


def render_report(template, tables, **context):
    """The report page, or one of its tables as CSV when the URL asks for ``format=csv``."""
    if request.args.get("format") == "csv":
        table = next((table for table in tables if table.name == request.args.get("table")), None)
        if table is None:
            abort(404)
        response = Response(csv_lines(table.resolved()), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="{context["report_name"]}-{table.name}.csv"'
        return response
    return render_template(template, tables=tables, **context)


@bp.route("/")
@roles_required(*Role.STAFF)
def index():
    """List the reports the signed-in person may open."""
    available = reports_for(g.user)
    if not available:
        abort(404)
    return render_template("reports/index.html", available=available)


from views.reports import appointments, deliveries, requests  # noqa: E402,F401 - they register their routes on bp
