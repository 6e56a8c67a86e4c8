"""The deliveries report."""

from flask import request
from flask_babel import gettext as _

from domain.delivery.pipeline import label as delivery_status
from domain.delivery.pipeline import reason_label as failure_reason
from domain.reports import deliveries as report_of
from models import City, DeliveryStatus, Role
from views.access import roles_required
from views.reports import DAILY_UP_TO, bp, chart_of, period_from_args, render_report
from views.reports.tables import Table


def tables(report, weekly: bool) -> list[Table]:
    steps = [_("Requested"), delivery_status(DeliveryStatus.DELIVERED), delivery_status(DeliveryStatus.FAILED)]
    days = Table(
        "days",
        _("Deliveries per day"),
        [_("Day"), *steps],
        [[day, *values.values()] for day, values in report.days.rows],
        shown=not weekly,
    )
    weeks = Table(
        "weeks",
        _("Deliveries per week"),
        [_("Week starting"), *steps],
        [[day, *values.values()] for day, values in report.days.by_week().rows],
        shown=weekly,
    )
    statuses = Table(
        "statuses",
        _("Deliveries by status now"),
        [_("Status"), _("Deliveries")],
        [[delivery_status(status), n] for status, n in report.by_status],
    )
    cities = Table(
        "cities",
        _("Deliveries per city"),
        [
            _("City"),
            _("Requested"),
            delivery_status(DeliveryStatus.DELIVERED),
            _("Delivered at the first attempt"),
            _("Failed attempts"),
            _("Returned to the branch"),
            _("Refunds due after a cancellation"),
        ],
        [
            [
                city.name,
                c["requested"],
                c[DeliveryStatus.DELIVERED],
                c["delivered_first"],
                c[DeliveryStatus.FAILED],
                c[DeliveryStatus.RETURNED],
                c["refund_due"],
            ]
            for city, c in report.by_city
        ],
    )
    days_to_door = Table(
        "days-to-door",
        _("Days from the request to the door"),
        [_("Delivered within (days)"), _("Deliveries")],
        [[bound if bound != "more" else _("More"), n] for bound, n in report.day_buckets],
    )
    reasons = Table(
        "failure-reasons",
        _("Failed attempts by reason"),
        [_("Reason"), _("Failed attempts")],
        [[failure_reason(reason), n] for reason, n in report.failed_by_reason],
    )
    return [days, weeks, statuses, cities, reasons, days_to_door]


@bp.route("/deliveries")
@roles_required(Role.ADMIN, Role.OFFICER)
def deliveries_report():
    """Show (or download as CSV) the deliveries of a period."""
    period, errors = period_from_args()
    city_code = request.args.get("city", "")
    report = report_of.report(period, report_of.cities(city_code))
    weekly = len(report.days.rows) > DAILY_UP_TO
    names = [_("Requested"), delivery_status(DeliveryStatus.DELIVERED), delivery_status(DeliveryStatus.FAILED)]
    chart = chart_of(report.days, names, weekly)
    return render_report(
        "reports/deliveries.html",
        tables(report, weekly),
        report_name="deliveries",
        weekly=weekly,
        report=report,
        chart=chart,
        errors=errors,
        city_items=[{"value": c.code, "text": c.name} for c in City.select().order_by(City.position, City.id)],
        city_code=city_code,
        args={"first": request.args.get("first", ""), "last": request.args.get("last", "")},
    )
