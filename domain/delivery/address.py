"""The Saudi national address (العنوان الوطني), checked one field at a time.

Each check takes what the person typed and returns ``(value, problem)``: the
value cleaned (Arabic-Indic digits made ASCII, spaces trimmed, letters upper
case) and a message to show, or None when the value is valid.
"""

import re
from collections.abc import Collection, Mapping

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from peewee import ModelSelect

from domain.identity import normalize_digits, normalize_saudi_mobile
from models import City, Region

# What a check returns: the cleaned value, and a message to show or None.
Checked = tuple[str, LazyString | None]

FIELDS = (
    "short_address",
    "building_number",
    "street",
    "district",
    "city",
    "postal_code",
    "additional_number",
    "mobile",
)


def cities() -> ModelSelect:
    """The cities an address may be in, in the catalog's order, with their region."""
    return City.select(City, Region).join(Region).order_by(Region.position, City.position, City.id)


def _clean(value):
    return re.sub(r"\s+", " ", normalize_digits(value or "")).strip()


def check_short_address(value: str | None) -> Checked:
    """Four Latin letters then four digits, e.g. RRRD2929."""
    value = _clean(value).replace(" ", "").upper()
    if not value:
        return value, _l("Enter the short address.")
    if not re.fullmatch(r"[A-Z]{4}\d{4}", value):
        return value, _l("The short address is 4 letters then 4 digits, like RRRD2929.")
    return value, None


def _digits(value, count, empty, wrong):
    value = _clean(value).replace(" ", "")
    if not value:
        return value, empty
    if not re.fullmatch(rf"\d{{{count}}}", value):
        return value, wrong
    return value, None


def check_building_number(value: str | None) -> Checked:
    return _digits(value, 4, _l("Enter the building number."), _l("The building number must be 4 digits."))


def check_postal_code(value: str | None) -> Checked:
    return _digits(value, 5, _l("Enter the postal code."), _l("The postal code must be 5 digits."))


def check_additional_number(value: str | None) -> Checked:
    return _digits(value, 4, _l("Enter the additional number."), _l("The additional number must be 4 digits."))


def _words(value, empty, too_long, max_length=100):
    value = _clean(value)
    if not value:
        return value, empty
    if len(value) > max_length:
        return value, too_long
    if not re.search(r"\w", value):
        return value, empty
    return value, None


def check_street(value: str | None) -> Checked:
    return _words(value, _l("Enter the street name."), _l("The street name must be 100 characters or fewer."))


def check_district(value: str | None) -> Checked:
    return _words(value, _l("Enter the district."), _l("The district must be 100 characters or fewer."))


def check_city(value: str | None, known_cities: Collection[str]) -> Checked:
    """A city code from the catalog."""
    value = _clean(value)
    if not value:
        return value, _l("Choose the city.")
    if value not in known_cities:
        return value, _l("Choose a city from the list.")
    return value, None


def check_mobile(value: str | None) -> Checked:
    """A Saudi mobile: 05xxxxxxxx or +9665xxxxxxxx; kept as 05xxxxxxxx."""
    typed = _clean(value)
    if not typed:
        return typed, _l("Enter a mobile number for the courier.")
    mobile = normalize_saudi_mobile(typed)
    if mobile is None:
        return typed, _l("Enter a Saudi mobile number, like 0512345678 or +966512345678.")
    return mobile, None


CHECKS = {
    "short_address": check_short_address,
    "building_number": check_building_number,
    "street": check_street,
    "district": check_district,
    "postal_code": check_postal_code,
    "additional_number": check_additional_number,
    "mobile": check_mobile,
}


def check_field(name: str, value: str | None, known_cities: Collection[str] = ()) -> Checked:
    """Check one field by name: ``(value, problem)``."""
    if name == "city":
        return check_city(value, known_cities)
    return CHECKS[name](value)


def check_address(
    data: Mapping[str, str], known_cities: Collection[str]
) -> tuple[dict[str, str], dict[str, LazyString]]:
    """Check every field: ``(cleaned values, {field: problem})``."""
    cleaned, problems = {}, {}
    for name in FIELDS:
        value, problem = check_field(name, data.get(name), known_cities)
        cleaned[name] = value
        if problem is not None:
            problems[name] = problem
    return cleaned, problems


def mask_short_address(value: str | None) -> str:
    """Keep the letters (the area), hide the digits: RRRD****."""
    return value[:4] + "*" * (len(value) - 4) if value else ""


def mask_mobile(value: str | None) -> str:
    return "*" * 6 + value[-4:] if value else ""
