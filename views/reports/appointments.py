"""The appointments report."""

from datetime import date, timedelta

from flask import g, request
from flask_babel import gettext as _

from domain.appointments.rules import label as appointment_status
from domain.dates import format_weekday
from domain.reports import appointments as report_of
from models import AppointmentStatus, Role
from views.access import roles_required
from views.reports import DAILY_UP_TO, bp, chart_of, period_from_args, render_report
from views.reports.tables import Table

# A Sunday, to name the weekdays by.
SUNDAY = date(2026, 11, 29)


def _weekday_name(weekday: int) -> str:
    return format_weekday(SUNDAY + timedelta(days=(weekday - 6) % 7))


def tables(report, weekly: bool) -> list[Table]:
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
        shown=not weekly,
    )
    weeks = Table(
        "weeks",
        _("Appointments per week"),
        [_("Week starting"), *statuses],
        [[day, *values.values()] for day, values in report.days.by_week().rows],
        shown=weekly,
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
    return [days, weeks, branches, hours]


@bp.route("/appointments")
@roles_required(Role.ADMIN, Role.AGENT, Role.DESK)
def appointments_report():
    """Show (or download as CSV) the appointments of a period at the branches one may see."""
    period, errors = period_from_args()
    branch_code = request.args.get("branch", "")
    branches = report_of.visible_branches(g.user, branch_code)
    report = report_of.report(period, branches)
    weekly = len(report.days.rows) > DAILY_UP_TO
    names = [
        _("Booked"),
        appointment_status(AppointmentStatus.ATTENDED),
        appointment_status(AppointmentStatus.NO_SHOW),
        appointment_status(AppointmentStatus.CANCELLED),
    ]
    chart = chart_of(report.days, names, weekly)
    fullest = [(_weekday_name(weekday), hour, cell) for (weekday, hour), cell in report.fullest()]
    return render_report(
        "reports/appointments.html",
        tables(report, weekly),
        report_name="appointments",
        weekly=weekly,
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
