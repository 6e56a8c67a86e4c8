"""The national address checks, field by field, as plain functions."""

import pytest

from domain.delivery import address
from tests.helpers.addresses import ADDRESS as GOOD

CITIES = {"riyadh", "jeddah"}


def test_a_good_address_passes_cleaned(db):
    cleaned, problems = address.check_address(GOOD, CITIES)
    assert problems == {}
    assert cleaned == GOOD


def test_arabic_indic_digits_and_lower_case_are_accepted(db):
    typed = dict(
        GOOD,
        short_address=" rrrd٢٩٢٩ ",
        building_number="٢٩٢٩",
        postal_code="١٢٢١١",
        additional_number="۷۷۸۸",
        mobile="+٩٦٦٥٠٠٠٠٠٠٠٨",
    )
    cleaned, problems = address.check_address(typed, CITIES)
    assert problems == {}
    assert cleaned["short_address"] == "RRRD2929"
    assert cleaned["building_number"] == "2929"
    assert cleaned["postal_code"] == "12211"
    assert cleaned["additional_number"] == "7788"
    assert cleaned["mobile"] == "0500000008"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("short_address", "", "أدخل العنوان المختصر."),
        ("short_address", "RRR2929", "4 حروف لاتينية ثم 4 أرقام"),
        ("short_address", "RRRD292", "4 حروف لاتينية ثم 4 أرقام"),
        ("short_address", "2929RRRD", "4 حروف لاتينية ثم 4 أرقام"),
        ("short_address", "ررر د2929", "4 حروف لاتينية ثم 4 أرقام"),
        ("building_number", "", "أدخل رقم المبنى."),
        ("building_number", "292", "رقم المبنى يتكون من 4 أرقام"),
        ("building_number", "29a9", "رقم المبنى يتكون من 4 أرقام"),
        ("street", "  ", "أدخل اسم الشارع."),
        ("street", "ش" * 101, "لا يتجاوز 100 حرف"),
        ("district", "", "أدخل اسم الحي."),
        ("district", "---", "أدخل اسم الحي."),
        ("postal_code", "", "أدخل الرمز البريدي."),
        ("postal_code", "1221", "يتكون من 5 أرقام"),
        ("postal_code", "122111", "يتكون من 5 أرقام"),
        ("additional_number", "", "أدخل الرقم الإضافي."),
        ("additional_number", "77889", "الرقم الإضافي يتكون من 4 أرقام"),
        ("city", "", "اختر المدينة."),
        ("city", "atlantis", "اختر مدينة من القائمة."),
        ("mobile", "", "أدخل رقم جوال"),
        ("mobile", "0400000008", "رقم جوال سعوديًا"),
        ("mobile", "+9715000000", "رقم جوال سعوديًا"),
        ("mobile", "05000000", "رقم جوال سعوديًا"),
    ],
)
def test_each_field_says_what_is_wrong_in_arabic(db, field, value, message):
    cleaned, problems = address.check_address(dict(GOOD, **{field: value}), CITIES)
    assert list(problems) == [field]
    assert message in str(problems[field])


def test_messages_are_in_arabic_by_default(db):
    _, problem = address.check_postal_code("12")
    assert str(problem) == "الرمز البريدي يتكون من 5 أرقام."


def test_masking_keeps_the_area_and_hides_the_numbers():
    assert address.mask_short_address("RRRD2929") == "RRRD****"
    assert address.mask_mobile("0500000008") == "******0008"
