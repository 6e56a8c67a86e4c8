"""The requests report."""

from flask import g, request
from flask_babel import gettext as _

from domain import catalog
from domain.reports import requests as report_of
from domain.reports.periods import share
from models import Role
from views.access import roles_required
from views.reports import DAILY_UP_TO, bp, chart_of, period_from_args, render_report
from views.reports.tables import Table


def tables(report, weekly: bool) -> list[Table]:
    measures = [_("Received"), _("Answered requests"), _("Closed requests")]
    days = Table(
        "days",
        _("Requests per day"),
        [_("Day"), *measures],
        [[day, *values.values()] for day, values in report.days.rows],
        shown=not weekly,
    )
    weeks = Table(
        "weeks",
        _("Requests per week"),
        [_("Week starting"), *measures],
        [[day, *values.values()] for day, values in report.weeks.rows],
    )
    services = Table(
        "services",
        _("Requests per sector and service"),
        [_("Sector"), _("Service"), *measures, _("Answered within the promised days")],
        [
            [line.sector.name, line.service.name, line.received, line.answered, line.closed, line.on_time_share]
            for line in report.lines
        ]
        + [
            [
                _("All"),
                "",
                report.total.received,
                report.total.answered,
                report.total.closed,
                report.total.on_time_share,
            ]
        ],
        shares=frozenset({5}),
    )
    overdue = Table(
        "overdue",
        _("Overdue now, by sector"),
        [_("Sector"), _("Overdue requests")],
        [[sector.name, n] for sector, n in report.overdue_by_sector],
    )
    first_answer = Table(
        "first-answer",
        _("Time to a first answer"),
        [_("Answered within (hours)"), _("Requests")],
        [[bound if bound != "more" else _("More"), n] for bound, n in report.first_answer_buckets],
    )
    return [days, weeks, services, overdue, first_answer]


@bp.route("/requests")
@roles_required(Role.ADMIN, Role.AGENT)
def requests_report():
    """Show (or download as CSV) the requests received, answered and closed in a period."""
    period, errors = period_from_args()
    sector_code = request.args.get("sector", "")
    sectors = report_of.visible_sectors(g.user, sector_code)
    report = report_of.report(period, sectors)
    weekly = len(report.days.rows) > DAILY_UP_TO
    chart = chart_of(report.days, [_("Received"), _("Answered requests"), _("Closed requests")], weekly)
    return render_report(
        "reports/requests.html",
        tables(report, weekly),
        report_name="requests",
        report=report,
        chart=chart,
        weekly=weekly,
        errors=errors,
        on_time=share(report.total.on_time, report.total.answered),
        sector_items=[{"value": s.code, "text": s.name} for s in catalog.current().sectors]
        if g.user.role == Role.ADMIN
        else [],
        sector_code=sector_code,
        args={"first": request.args.get("first", ""), "last": request.args.get("last", "")},
    )
