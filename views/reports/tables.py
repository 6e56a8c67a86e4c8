"""A report's tables as data: the page renders them with one macro, and the same rows download as CSV."""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from babel.numbers import format_decimal
from flask_babel import LazyString, format_percent, get_locale

from domain.dates import format_gregorian

# Excel opens a UTF-8 CSV as such (and shows Arabic) only when it starts with a byte-order mark.
BOM = "\ufeff"


@dataclass
class Table:
    """A caption, column headings and rows of plain values (numbers, shares 0–1, dates, text)."""

    name: str
    caption: str
    headings: list[str]
    rows: list[list] = field(default_factory=list)
    # The columns holding shares (0–1): shown as percentages.
    shares: frozenset[int] = frozenset()
    # False for a table too long for the page (a year of days): it is only downloaded.
    shown: bool = True

    def resolved(self) -> "Table":
        """The table with its words in the request's language, to be written out after the request."""

        def plain(value):
            return str(value) if isinstance(value, LazyString) else value

        return Table(
            self.name,
            str(self.caption),
            [str(heading) for heading in self.headings],
            [[plain(value) for value in row] for row in self.rows],
            self.shares,
            self.shown,
        )

    def cell(self, index: int, value) -> str:
        """A value as the page shows it, in the page's language."""
        if value is None:
            return "—"
        if index in self.shares:
            return format_percent(value, "#,##0%")
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int):
            return _whole_number(str(get_locale()), value)
        if isinstance(value, float):
            return format_decimal(value)
        if isinstance(value, date):
            return format_gregorian(value)
        return str(value)


@lru_cache(maxsize=4096)
def _whole_number(locale: str, value: int) -> str:
    """A count as the language writes it; a report repeats the same few counts many times."""
    return format_decimal(value, locale=locale)


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_lines(table: Table) -> Iterator[str]:
    """The table as CSV, one line at a time, the byte-order mark first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: Iterable) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_csv_value(value) for value in values])
        return buffer.getvalue()

    yield BOM + line(table.headings)
    for row in table.rows:
        yield line(row)
