"""IDs, iqama numbers, phone numbers and digits as people type them."""

import pytest

from domain.identity import (
    is_valid_national_id,
    mask_id,
    national_id_problem,
    normalize_digits,
    normalize_saudi_mobile,
)


@pytest.mark.parametrize("value", ["1000000008", "2000000006", "1099999995", "1100000007"])
def test_demo_ids_are_valid(value):
    assert is_valid_national_id(value)


@pytest.mark.parametrize(
    "value, problem",
    [
        ("", "empty"),
        ("12345", "format"),
        ("10000000O8", "format"),
        ("3000000004", "prefix"),
        ("1000000009", "checksum"),
        ("2000000007", "checksum"),
    ],
)
def test_invalid_ids_say_why(value, problem):
    assert national_id_problem(value) == problem


def test_arabic_indic_digits_are_accepted():
    assert normalize_digits("١٠٠٠٠٠٠٠٠٨") == "1000000008"
    assert is_valid_national_id("١٠٠٠٠٠٠٠٠٨")
    assert is_valid_national_id("۲۰۰۰۰۰۰۰۰۶")  # Persian digits too


def test_masked_id_keeps_last_four_digits():
    assert mask_id("1000000008") == "******0008"


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("0512345678", "0512345678"),
        ("+966512345678", "0512345678"),
        ("٠٥١٢٣٤٥٦٧٨", "0512345678"),
        ("05 1234 5678", "0512345678"),
        ("0612345678", None),
        ("051234567", None),
    ],
)
def test_saudi_mobile_numbers(typed, expected):
    assert normalize_saudi_mobile(typed) == expected
