"""National IDs, iqama numbers, phone numbers and the digits people type."""

import re

ARABIC_INDIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def normalize_digits(text: str) -> str:
    """Turn Arabic-Indic and Persian digits into ASCII digits; trim spaces."""
    if text is None:
        return None
    return text.translate(ARABIC_INDIC_DIGITS).strip()


def national_id_problem(value: str | None) -> str | None:
    """Say what is wrong with a national ID or iqama number, or None when valid.

    Ten digits; the first is 1 for citizens and 2 for residents; the last is a
    Luhn check digit over the first nine.
    """
    value = normalize_digits(value or "")
    if not value:
        return "empty"
    if not re.fullmatch(r"\d{10}", value):
        return "format"
    if value[0] not in "12":
        return "prefix"
    return None if check_sum(value) % 10 == 0 else "checksum"


def check_sum(digits: str) -> int:
    """The ID's weighted digit sum (Luhn): every other digit from the first doubled, less 9 above 9."""
    total = 0
    for position, char in enumerate(digits):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return total


def is_valid_national_id(value: str | None) -> bool:
    return national_id_problem(value) is None


def mask_id(value: str) -> str:
    """Show only the last four digits: ******0008."""
    return "*" * 6 + value[-4:]


def normalize_saudi_mobile(value: str | None) -> str | None:
    """Return a mobile number as 05xxxxxxxx, or None when it is not a Saudi mobile."""
    value = re.sub(r"[\s-]", "", normalize_digits(value or ""))
    match = re.fullmatch(r"(?:\+9665|009665|9665|05)(\d{8})", value)
    return "05" + match.group(1) if match else None
