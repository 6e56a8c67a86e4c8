"""Tracking numbers in the UPU S10 pattern: RR480000427SA.

Two letters for the service (RR: registered item), an eight-digit serial, a
check digit, and SA for Saudi Arabia. The serial is the Hijri year's last two
digits and the year's sequence, handed out by the shared reference counter.
"""

import re

from domain.references import next_reference

SERVICE_INDICATOR = "RR"
COUNTRY = "SA"
WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
PATTERN = re.compile(r"[A-Z]{2}\d{9}[A-Z]{2}")


def check_digit(serial: str) -> int:
    """The S10 check digit of an eight-digit serial."""
    total = sum(int(digit) * weight for digit, weight in zip(serial, WEIGHTS, strict=False))
    digit = 11 - total % 11
    return {10: 0, 11: 5}.get(digit, digit)


def tracking_number(serial: str) -> str:
    return f"{SERVICE_INDICATOR}{serial}{check_digit(serial)}{COUNTRY}"


def is_valid(number: str | None) -> bool:
    number = (number or "").upper()
    return bool(PATTERN.fullmatch(number)) and check_digit(number[2:10]) == int(number[10])


def next_tracking_number() -> str:
    """A fresh tracking number, never handed out before."""
    year, sequence = next_reference("delivery", "").split("-")
    return tracking_number(year[-2:] + sequence)
