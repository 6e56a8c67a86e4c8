"""Working days and Hijri dates."""

from datetime import date

import pytest

from domain.dates import add_working_days, format_dual, format_hijri, hijri, is_working_day


def test_friday_and_saturday_are_not_working_days():
    assert not is_working_day(date(2026, 11, 27))  # Friday
    assert not is_working_day(date(2026, 11, 28))  # Saturday
    assert is_working_day(date(2026, 11, 29))  # Sunday


def test_seven_working_days_skip_the_weekend_and_holidays():
    wednesday = date(2026, 11, 25)
    assert add_working_days(wednesday, 7) == date(2026, 12, 6)
    assert add_working_days(wednesday, 7, holidays={date(2026, 11, 30)}) == date(2026, 12, 7)


def test_umm_al_qura_date():
    assert (hijri(date(2026, 11, 25)).year, hijri(date(2026, 11, 25)).month) == (1448, 6)


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("ar", "15 جمادى الآخرة 1448 هـ الموافق 25 نوفمبر 2026 م"),
        ("en", "15 Jumada al-Akhirah 1448 AH, corresponding to 25 November 2026"),
    ],
)
def test_dual_date_in_each_language(app, lang, expected):
    from flask import session

    with app.test_request_context("/"):
        session["lang"] = lang
        assert format_dual(date(2026, 11, 25)) == expected
        assert format_hijri(date(2026, 11, 25)).startswith("15 ")


def test_stored_utc_times_fall_on_the_riyadh_day():
    from datetime import datetime

    from domain.dates import riyadh_date, riyadh_day_bounds

    assert riyadh_date(datetime(2026, 11, 25, 20, 59)) == date(2026, 11, 25)
    assert riyadh_date(datetime(2026, 11, 25, 21, 0)) == date(2026, 11, 26)
    assert riyadh_day_bounds(date(2026, 11, 26)) == (datetime(2026, 11, 25, 21, 0), datetime(2026, 11, 26, 21, 0))
