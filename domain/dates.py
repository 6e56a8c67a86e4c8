"""Dates as Saudis read them: Umm al-Qura Hijri beside Gregorian, working days."""

from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta, timezone

from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from hijridate import Gregorian, Hijri
from hijridate.ummalqura import GREGORIAN_RANGE

from domain.identity import normalize_digits

# Friday and Saturday are the weekend (Monday is 0).
WEEKEND = (4, 5)

# Saudi Arabia keeps UTC+3 all year (no daylight saving).
RIYADH = timezone(timedelta(hours=3), "AST")


# The days the Umm al-Qura calendar covers (1343–1500 AH), less a month at each end so
# that a page showing the day before or after, or a month around it, stays within it.
FIRST_DAY = date(*GREGORIAN_RANGE[0]) + timedelta(days=31)
LAST_DAY = date(*GREGORIAN_RANGE[1]) - timedelta(days=31)


def now_riyadh() -> datetime:
    return datetime.now(RIYADH)


def today() -> date:
    """Today's date in Riyadh, whatever the server's time zone."""
    return now_riyadh().date()


def riyadh_date(moment: datetime) -> date:
    """The Riyadh calendar date of a stored (naive UTC) time."""
    return moment.replace(tzinfo=UTC).astimezone(RIYADH).date()


def riyadh_day_bounds(day: date) -> tuple[datetime, datetime]:
    """A Riyadh calendar day as a half-open range of stored (naive UTC) times."""
    start = datetime.combine(day, datetime.min.time(), RIYADH).astimezone(UTC).replace(tzinfo=None)
    return start, start + timedelta(days=1)


def parse_day(text: str | None) -> date | None:
    """The day of an ISO date («2027-02-18», Arabic-Indic digits too), or None, also outside FIRST_DAY–LAST_DAY."""
    try:
        day = date.fromisoformat(normalize_digits(text))
    except (TypeError, ValueError):
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def hijri(day: date) -> Hijri:
    """The Umm al-Qura date of a Gregorian date."""
    return Gregorian(day.year, day.month, day.day).to_hijri()


def hijri_year(day: date | None = None) -> int:
    return hijri(day or today()).year


def format_hijri(day: date) -> str:
    """E.g. «12 جمادى الآخرة 1448 هـ» or "12 Jumada al-Akhirah 1448 AH"."""
    h = hijri(day)
    if str(get_locale()) == "en":
        return f"{h.day} {h.month_name('en')} {h.year} AH"
    return f"{h.day} {h.month_name('ar')} {h.year} هـ"


def format_gregorian(day: date) -> str:
    return format_date(day, "d MMMM y")


def format_dual(day: date) -> str:
    """The Hijri date with its Gregorian equivalent, as Saudi documents write it.

    A word, not a dash, joins the two: between two numbers a dash lets the
    bidi algorithm reorder them in right-to-left text.
    """
    return _("%(hijri)s, corresponding to %(gregorian)s", hijri=format_hijri(day), gregorian=format_gregorian(day))


def is_working_day(day: date, holidays: Collection[date] = ()) -> bool:
    return day.weekday() not in WEEKEND and day not in holidays


def add_working_days(start: date, days: int, holidays: Collection[date] = ()) -> date:
    """The date that is `days` working days after `start`."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, holidays):
            remaining -= 1
    return current
