"""Daily tallies: how many times something happened on a day, within a scope.

Kinds, their scopes and days:

- ``request``: scope is the service; the day the thing happened (received,
  answered for the first time, closed), in Riyadh;
- ``request_due``: scope is the sector; the day is the promised date, and
  ``open`` counts the requests still owed an answer, so «overdue now» adds up
  the days before today;
- ``appointment``: scope is the branch; the day is the visit's, and the
  measure is the appointment's status;
- ``delivery``: scope is the city; the day the step happened.

Every act adds in its own transaction, after its summary counts
(``domain/counts.py``), so that transactions take the shared rows in one order.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime

from peewee import fn

from domain.dates import riyadh_date, today
from models import DailyTally, db

REQUEST = "request"
REQUEST_DUE = "request_due"
APPOINTMENT = "appointment"
DELIVERY = "delivery"

# The upper bounds of the buckets that keep a distribution: hours to a first
# answer, days from a delivery request to the door. The last bucket is open.
ANSWER_HOURS = (1, 4, 8, 24, 48, 72, 120, 168, 336, 720)
DELIVERY_DAYS = (1, 2, 3, 4, 5, 7, 10, 14, 21, 30)


def bucket(measure: str, bounds: tuple[int, ...], value: float) -> str:
    """The measure of the bucket a value falls in, e.g. «first_answer_h:24»."""
    for bound in bounds:
        if value <= bound:
            return f"{measure}:{bound}"
    return f"{measure}:more"


def day_of(moment: datetime | None) -> date:
    """The Riyadh day of a stored time (now when None)."""
    return today() if moment is None else riyadh_date(moment)


def add(kind: str, scope: object, day: date, measures: dict[str, int]) -> None:
    """Add to the tallies of one kind, scope and day; call inside the act's transaction."""
    for measure, delta in sorted(measures.items()):
        if delta:
            DailyTally.insert(kind=kind, scope=str(scope), day=day, measure=measure, n=delta).on_conflict(
                conflict_target=[DailyTally.kind, DailyTally.scope, DailyTally.day, DailyTally.measure],
                update={DailyTally.n: DailyTally.n + delta},
            ).execute()


def one(kind: str, scope: object, day: date, measure: str, delta: int = 1) -> None:
    """Add one to (or take one from) a single tally."""
    add(kind, scope, day, {measure: delta})


def sums(
    kind: str,
    scopes: Iterable[object] | None,
    first: date | None = None,
    last: date | None = None,
    by_day: bool = False,
    by_scope: bool = False,
) -> Counter:
    """Add the tallies of a kind in these scopes (None: all) and days (inclusive).

    The keys are the measure, with the day and/or the scope before it when asked.
    """
    columns = []
    if by_day:
        columns.append(DailyTally.day)
    if by_scope:
        columns.append(DailyTally.scope)
    columns.append(DailyTally.measure)
    query = DailyTally.select(*columns, fn.SUM(DailyTally.n)).where(DailyTally.kind == kind)
    if scopes is not None:
        query = query.where(DailyTally.scope.in_([str(scope) for scope in scopes]))
    if first is not None:
        query = query.where(DailyTally.day >= first)
    if last is not None:
        query = query.where(DailyTally.day <= last)
    totals = Counter()
    for *key, n in query.group_by(*columns).tuples():
        if by_day and isinstance(key[0], str):
            key[0] = date.fromisoformat(key[0])
        totals[tuple(key) if len(key) > 1 else key[0]] += int(n or 0)
    return totals


def replace(kind: str, counted: Counter) -> None:
    """Put a kind's tallies, counted afresh from the records as {(scope, day, measure): n}, in place of its rows."""
    rows = [(kind, str(scope), day, measure, n) for (scope, day, measure), n in counted.items() if n]
    with db.atomic():
        DailyTally.delete().where(DailyTally.kind == kind).execute()
        fields = [DailyTally.kind, DailyTally.scope, DailyTally.day, DailyTally.measure, DailyTally.n]
        for start in range(0, len(rows), 500):
            DailyTally.insert_many(rows[start : start + 500], fields=fields).execute()
