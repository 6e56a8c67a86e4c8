"""The appointments report."""

from datetime import date, timedelta

from flask import g, request
from flask_babel import gettext as _

from domain.appointments.rules import label as appointment_status
from domain.dates import format_gregorian, format_weekday
from domain.reports import appointments as report_of
from models import AppointmentStatus, Role
from views.access import roles_required
from views.reports import bp, period_from_args, render_report, rtl
from views.reports.charts import bar_chart
from views.reports.tables import Table

# A Sunday, to name the weekdays by.
SUNDAY = date(2026, 11, 29)


def _weekday_name(weekday: int) -> str:
    return format_weekday(SUNDAY + timedelta(days=(weekday - 6) % 7))


def tables(report) -> list[Table]:
    statuses = [
        _("Booked"),
        appointment_status(AppointmentStatus.ATTENDED),
        appointment_status(AppointmentStatus.NO_SHOW),
        appointment_status(AppointmentStatus.CANCELLED),
    ]
    days = Table(
        "days",
        _("Appointments per day"),
        [_("Day"), *statuses],
        [[day, *values.values()] for day, values in report.days.rows],
    )
    branches = Table(
        "branches",
        _("Appointments and seats per branch"),
        [_("Branch"), *statuses, _("Seats offered"), _("Seats used"), _("Share used")],
        [
            [
                line.branch.name,
                line.booked,
                line.attended,
                line.no_show,
                line.cancelled,
                line.offered,
                line.used,
                line.used_share,
            ]
            for line in report.lines
        ]
        + [
            [
                _("All"),
                report.total.booked,
                report.total.attended,
                report.total.no_show,
                report.total.cancelled,
                report.total.offered,
                report.total.used,
                report.total.used_share,
            ]
        ],
        shares=frozenset({7}),
    )
    hours = Table(
        "hours",
        _("Share of seats used, by weekday and hour"),
        [_("Day"), *report.hours],
        [
            [
                _weekday_name(weekday),
                *(
                    report.fill[(weekday, hour)].share if (weekday, hour) in report.fill else None
                    for hour in report.hours
                ),
            ]
            for weekday in report.weekdays
        ],
        shares=frozenset(range(1, len(report.hours) + 1)),
    )
    return [days, branches, hours]


@bp.route("/appointments")
@roles_required(Role.ADMIN, Role.AGENT, Role.DESK)
def appointments_report():
    """Show (or download as CSV) the appointments of a period at the branches one may see."""
    period, errors = period_from_args()
    branch_code = request.args.get("branch", "")
    branches = report_of.visible_branches(g.user, branch_code)
    report = report_of.report(period, branches)
    groups = [(format_gregorian(day), list(values.values())) for day, values in report.days.rows]
    names = [
        _("Booked"),
        appointment_status(AppointmentStatus.ATTENDED),
        appointment_status(AppointmentStatus.NO_SHOW),
        appointment_status(AppointmentStatus.CANCELLED),
    ]
    chart = bar_chart(groups, names, rtl(), label_every=max(len(groups) // 6, 1))
    fullest = [(_weekday_name(weekday), hour, cell) for (weekday, hour), cell in report.fullest()]
    return render_report(
        "reports/appointments.html",
        tables(report),
        report_name="appointments",
        report=report,
        chart=chart,
        fullest=fullest,
        errors=errors,
        branch_items=[{"value": b.code, "text": b.name} for b in report_of.visible_branches(g.user, None)]
        if g.user.role != Role.DESK
        else [],
        branch_code=branch_code,
        args={"first": request.args.get("first", ""), "last": request.args.get("last", "")},
    )
