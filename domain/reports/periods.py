"""The period a report covers, and its figures day by day or week by week."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from domain.dates import parse_day, today

DEFAULT_DAYS = 30
LONGEST_DAYS = 366
# The Saudi week starts on Sunday (Monday is 0).
WEEK_STARTS = 6


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    @classmethod
    def last_days(cls, count: int = DEFAULT_DAYS, until: date | None = None) -> "Period":
        until = until or today()
        return cls(until - timedelta(days=count - 1), until)


def parse_period(first_text: str | None, last_text: str | None) -> tuple[Period, dict[str, str]]:
    """The period of the form's «من» and «إلى», or the last 30 days; and the errors by field."""
    errors = {}
    first, last = parse_day(first_text), parse_day(last_text)
    if first_text and first is None:
        errors["first"] = "date"
    if last_text and last is None:
        errors["last"] = "date"
    default = Period.last_days()
    first, last = first or (last - timedelta(days=DEFAULT_DAYS - 1) if last else default.first), last or default.last
    if first > last:
        errors["last"] = "order"
    elif (last - first).days + 1 > LONGEST_DAYS:
        errors["last"] = "long"
    if errors:
        return default, errors
    return Period(first, last), errors


def week_start(day: date) -> date:
    return day - timedelta(days=(day.weekday() - WEEK_STARTS) % 7)


@dataclass
class Series:
    """Figures of some measures for consecutive days (or weeks): rows of (day, {measure: n})."""

    measures: tuple[str, ...]
    rows: list[tuple[date, dict[str, int]]]

    @classmethod
    def of_days(cls, period: Period, measures: tuple[str, ...], by_day: Counter) -> "Series":
        return cls(measures, [(day, {m: by_day[(day, m)] for m in measures}) for day in period.days])

    def by_week(self) -> "Series":
        weeks: dict[date, dict[str, int]] = {}
        for day, values in self.rows:
            week = weeks.setdefault(week_start(day), dict.fromkeys(self.measures, 0))
            for measure, n in values.items():
                week[measure] += n
        return Series(self.measures, list(weeks.items()))

    def total(self, measure: str) -> int:
        return sum(values[measure] for _, values in self.rows)

    def highest(self) -> int:
        return max((n for _, values in self.rows for n in values.values()), default=0)


def median_bound(buckets: list[tuple[str, int]]) -> int | None:
    """The upper bound of the bucket holding the median, None when empty or past the last bound."""
    total = sum(n for _, n in buckets)
    if not total:
        return None
    seen = 0
    for bound, n in buckets:
        seen += n
        if seen * 2 >= total:
            return int(bound) if bound.isdigit() else None
    return None


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
