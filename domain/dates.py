"""Dates as Saudis read them: Umm al-Qura Hijri beside Gregorian, working days."""

from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from flask_babel import get_locale
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


HIJRI, GREGORIAN = "hijri", "gregorian"


def day_in_calendar(calendar: str, year: int, month: int, day: int) -> date | None:
    """The Gregorian date of a day written in the Hijri (Umm al-Qura) or Gregorian calendar; None if no such day.

    A Gregorian day may be from 1900 on; a Hijri day must be within the years the calendar covers.
    """
    try:
        if calendar == HIJRI:
            return date(*Hijri(year, month, day, validate=True).to_gregorian().datetuple())
        if calendar == GREGORIAN and year >= 1900:
            return date(year, month, day)
    except (ValueError, OverflowError):
        return None
    return None


def hijri(day: date) -> Hijri:
    """The Umm al-Qura date of a Gregorian date."""
    return Gregorian(day.year, day.month, day.day).to_hijri()


def hijri_year(day: date | None = None) -> int:
    return hijri(day or today()).year


# A day reads the same in a language whoever asks: the words of each (language, day) are
# made once per process, not once per row (a booking page shows thirty days).


def _lang() -> str:
    return str(get_locale() or "ar")


@lru_cache(maxsize=4096)
def _hijri_words(lang: str, day: date) -> str:
    h = hijri(day)
    if lang == "en":
        return f"{h.day} {h.month_name('en')} {h.year} AH"
    return f"{h.day} {h.month_name('ar')} {h.year} هـ"


@lru_cache(maxsize=4096)
def _babel_words(lang: str, day: date, pattern: str) -> str:
    return babel_format_date(day, pattern, locale=lang)


def format_hijri(day: date) -> str:
    """E.g. «12 جمادى الآخرة 1448 هـ» or "12 Jumada al-Akhirah 1448 AH"."""
    return _hijri_words(_lang(), day)


def format_gregorian(day: date) -> str:
    return _babel_words(_lang(), day, "d MMMM y")


def format_weekday(day: date) -> str:
    """The day's name («الخميس») in the page language."""
    return _babel_words(_lang(), day, "EEEE")


def format_month(first: date) -> str:
    """A Gregorian month with the Hijri months it overlaps, e.g. «ديسمبر 2026 (جمادى الآخرة – رجب 1448 هـ)»."""
    return _month_words(_lang(), first)


@lru_cache(maxsize=256)
def _month_words(lang: str, first: date) -> str:
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    start, end = hijri(first), hijri(last)
    era = "AH" if lang == "en" else "هـ"
    if start.year == end.year:
        hijri_months = f"{start.month_name(lang)} – {end.month_name(lang)} {end.year} {era}"
    else:
        hijri_months = f"{start.month_name(lang)} {start.year} – {end.month_name(lang)} {end.year} {era}"
    return f"{_babel_words(lang, first, 'LLLL y')} ({hijri_months})"


def week_days(first_weekday: int = 6) -> list[tuple[str, str]]:
    """[(narrow, full)] names of the week's days from ``first_weekday`` (Sunday for Saudi calendars)."""
    lang = _lang()
    sunday = date(2026, 12, 6)  # any week: a Sunday, then the six days after it
    first = sunday + timedelta(days=(first_weekday - 6) % 7)
    days = [first + timedelta(days=n) for n in range(7)]
    return [(_babel_words(lang, day, "EEEEE"), _babel_words(lang, day, "EEEE")) for day in days]


def format_dual(day: date) -> str:
    """The Hijri date with its Gregorian equivalent, as Saudi documents write it.

    A word, not a dash, joins the two: between two numbers a dash lets the
    bidi algorithm reorder them in right-to-left text.
    """
    locale = get_locale()
    if locale is None:  # no page, no catalog to translate with: nothing worth keeping
        return _("%(hijri)s, corresponding to %(gregorian)s", hijri=format_hijri(day), gregorian=format_gregorian(day))
    return _dual_words(str(locale), day)


@lru_cache(maxsize=4096)
def _dual_words(lang: str, day: date) -> str:
    return _(
        "%(hijri)s, corresponding to %(gregorian)s",
        hijri=_hijri_words(lang, day),
        gregorian=_babel_words(lang, day, "d MMMM y"),
    )


def format_local_time(moment: datetime) -> str:
    """A stored (naive UTC) time in Riyadh, e.g. «3 ديسمبر 2026، 14:05» or "3 December 2026, 14:05"."""
    local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(RIYADH)
    lang = _lang()
    comma = "،" if lang == "ar" else ","
    return f"{_babel_words(lang, local.date(), 'd MMMM y')}{comma} {local:%H:%M}"


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
