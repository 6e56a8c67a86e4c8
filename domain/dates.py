"""Dates as Saudis read them: Umm al-Qura Hijri beside Gregorian, working days."""
from datetime import date, timedelta

from flask_babel import format_date, get_locale
from hijridate import Gregorian

# Friday and Saturday are the weekend (Monday is 0).
WEEKEND = (4, 5)


def hijri(day):
    """The Umm al-Qura date of a Gregorian date."""
    return Gregorian(day.year, day.month, day.day).to_hijri()


def hijri_year(day=None):
    return hijri(day or date.today()).year


def format_hijri(day):
    """E.g. «12 جمادى الآخرة 1448 هـ» or "12 Jumada al-Akhirah 1448 AH"."""
    h = hijri(day)
    if str(get_locale()) == "en":
        return f"{h.day} {h.month_name('en')} {h.year} AH"
    return f"{h.day} {h.month_name('ar')} {h.year} هـ"


def format_gregorian(day):
    return format_date(day, "d MMMM y")


def is_working_day(day, holidays=()):
    return day.weekday() not in WEEKEND and day not in holidays


def add_working_days(start, days, holidays=()):
    """The date that is `days` working days after `start`."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, holidays):
            remaining -= 1
    return current
