"""The deliveries report: where they stand, first-attempt success, failed attempts, returns to the branch,
and the days from a request to the door."""

from collections import Counter
from dataclasses import dataclass, field

from domain import counts
from domain.dates import riyadh_date
from domain.delivery.pipeline import FAILURE_REASONS
from domain.reports import tally
from domain.reports.periods import Period, Series, median_bound
from models import City, Delivery, DeliveryEvent, DeliveryStatus, SadadBill

REQUESTED, DELIVERED_FIRST, DAYS, FAILED_BECAUSE = "requested", "delivered_first", "days", "failed"
REFUND_DUE = "refund_due"
# The steps the report counts, as the pipeline names them.
COUNTED_STEPS = (
    DeliveryStatus.DELIVERED,
    DeliveryStatus.FAILED,
    DeliveryStatus.RETURNED,
    DeliveryStatus.COLLECTED,
    DeliveryStatus.CANCELLED,
)


def _step_measures(target: str, attempts: int, days: float, reason: str = "") -> dict[str, int]:
    measures = {target: 1}
    if target == DeliveryStatus.FAILED and reason:
        measures[f"{FAILED_BECAUSE}:{reason}"] = 1
    if target == DeliveryStatus.DELIVERED:
        measures[tally.bucket(DAYS, tally.DELIVERY_DAYS, days)] = 1
        if attempts <= 1:
            measures[DELIVERED_FIRST] = 1
    return measures


# --- What the acts add -------------------------------------------------------------


def requested(delivery: Delivery) -> None:
    tally.one(tally.DELIVERY, delivery.city_id, tally.day_of(delivery.created_at), REQUESTED)


def moved(delivery: Delivery, target: str, at, reason: str = "") -> None:
    """Tally a delivery's step to ``target`` (its record as the step left it), a failure by its reason."""
    if target not in COUNTED_STEPS:
        return
    days = (at - delivery.created_at).total_seconds() / 86400
    measures = _step_measures(target, delivery.attempts, days, reason)
    if target == DeliveryStatus.CANCELLED and _refund_owed(delivery):
        measures[REFUND_DUE] = 1
    tally.add(tally.DELIVERY, delivery.city_id, riyadh_date(at), measures)


def _refund_owed(delivery: Delivery) -> bool:
    """True when cancelling the delivery left its paid fee owed back."""
    return (
        SadadBill.select().where((SadadBill.delivery == delivery.id) & SadadBill.refund_due_at.is_null(False)).exists()
    )


def rebuild() -> None:
    """Count the deliveries' tallies afresh from the records."""
    counted = Counter()
    for city_id, created_at in Delivery.select(Delivery.city, Delivery.created_at).tuples():
        counted[(city_id, riyadh_date(created_at), REQUESTED)] += 1
    steps = (
        DeliveryEvent.select(
            Delivery.city,
            Delivery.created_at,
            Delivery.attempts,
            DeliveryEvent.to_status,
            DeliveryEvent.created_at,
            DeliveryEvent.reason,
        )
        .join(Delivery)
        .where((DeliveryEvent.kind == "status") & DeliveryEvent.to_status.in_(COUNTED_STEPS))
        .tuples()
    )
    for city_id, requested_at, attempts, target, at, reason in steps:
        days = (at - requested_at).total_seconds() / 86400
        for measure, n in _step_measures(target, attempts, days, reason).items():
            counted[(city_id, riyadh_date(at), measure)] += n
    refunds = (
        SadadBill.select(Delivery.city, SadadBill.refund_due_at)
        .join(Delivery)
        .where(SadadBill.refund_due_at.is_null(False))
        .tuples()
    )
    for city_id, at in refunds:
        counted[(city_id, riyadh_date(at), REFUND_DUE)] += 1
    tally.replace(tally.DELIVERY, counted)


# --- The report ----------------------------------------------------------------------


@dataclass
class DeliveriesReport:
    period: Period
    days: Series
    by_status: list[tuple[str, int]]
    requested: int
    delivered: int
    delivered_first: int
    failed: int
    returned: int
    refunds_due: int
    median_days: int | None
    day_buckets: list[tuple[str, int]] = field(default_factory=list)
    failed_by_reason: list[tuple[str, int]] = field(default_factory=list)
    by_city: list[tuple[object, Counter]] = field(default_factory=list)

    @property
    def first_attempt_share(self) -> float | None:
        return self.delivered_first / self.delivered if self.delivered else None


def report(period: Period, cities: list) -> DeliveriesReport:
    """The deliveries to these cities in the period, from their daily tallies; the statuses as they are now."""
    scopes = [city.id for city in cities]
    by_day = tally.sums(tally.DELIVERY, scopes, period.first, period.last, by_day=True)
    by_city = tally.sums(tally.DELIVERY, scopes, period.first, period.last, by_scope=True)
    totals = Counter()
    for (_, measure), n in by_city.items():
        totals[measure] += n
    now = counts.by_status(counts.DELIVERY, scopes)
    buckets = [(bound, totals[f"{DAYS}:{bound}"]) for bound in [*map(str, tally.DELIVERY_DAYS), "more"]]
    return DeliveriesReport(
        period=period,
        days=Series.of_days(period, (REQUESTED, DeliveryStatus.DELIVERED, DeliveryStatus.FAILED), by_day),
        by_status=[(status, now.get(status, 0)) for status in DeliveryStatus.ALL],
        requested=totals[REQUESTED],
        delivered=totals[DeliveryStatus.DELIVERED],
        delivered_first=totals[DELIVERED_FIRST],
        failed=totals[DeliveryStatus.FAILED],
        returned=totals[DeliveryStatus.RETURNED],
        refunds_due=totals[REFUND_DUE],
        median_days=median_bound(buckets),
        day_buckets=buckets,
        failed_by_reason=[(reason, totals[f"{FAILED_BECAUSE}:{reason}"]) for reason in FAILURE_REASONS],
        by_city=[
            (city, Counter({m: n for (scope, m), n in by_city.items() if scope == str(city.id)})) for city in cities
        ],
    )


def cities(city_code: str | None = None) -> list:
    """Every city, or the one chosen."""
    everything = list(City.select().order_by(City.position, City.id))
    chosen = [city for city in everything if city.code == city_code]
    return chosen or everything
