"""The delivery status pipeline: allowed and refused moves, attempts, notes."""

import pytest

from domain.delivery import pipeline
from domain.delivery.tracking import check_digit, is_valid, tracking_number
from models import DeliveryStatus as S

OFFICER, DESK, BENEFICIARY = pipeline.OFFICER, pipeline.DESK, pipeline.BENEFICIARY


@pytest.mark.parametrize(
    "current, target, actor",
    [
        (S.RECEIVED, S.PREPARING, OFFICER),
        (S.PREPARING, S.HANDED_TO_POST, OFFICER),
        (S.HANDED_TO_POST, S.OUT_FOR_DELIVERY, OFFICER),
        (S.OUT_FOR_DELIVERY, S.DELIVERED, OFFICER),
        (S.RETURNED, S.COLLECTED, DESK),
        (S.RECEIVED, S.CANCELLED, BENEFICIARY),
        (S.PREPARING, S.CANCELLED, BENEFICIARY),
        (S.FAILED, S.RETURNED, BENEFICIARY),
    ],
)
def test_allowed_moves(db, current, target, actor):
    assert pipeline.refusal(current, target, actor, attempts=1) is None


@pytest.mark.parametrize(
    "current, target, actor",
    [
        (S.RECEIVED, S.HANDED_TO_POST, OFFICER),  # skipping a step
        (S.RECEIVED, S.DELIVERED, OFFICER),
        (S.DELIVERED, S.OUT_FOR_DELIVERY, OFFICER),  # a finished delivery stays finished
        (S.CANCELLED, S.PREPARING, OFFICER),
        (S.HANDED_TO_POST, S.CANCELLED, BENEFICIARY),  # too late to cancel
        (S.OUT_FOR_DELIVERY, S.CANCELLED, BENEFICIARY),
        (S.RECEIVED, S.PREPARING, BENEFICIARY),  # beneficiaries do not run the pipeline
        (S.RETURNED, S.COLLECTED, OFFICER),  # only the branch desk hands over
        (S.OUT_FOR_DELIVERY, S.RETURNED, BENEFICIARY),
    ],
)
def test_refused_moves_say_why(db, current, target, actor):
    message = str(pipeline.refusal(current, target, actor, attempts=1))
    assert str(pipeline.label(current)) in message and str(pipeline.label(target)) in message


def test_refusal_messages_are_in_arabic(db):
    assert str(pipeline.refusal(S.RECEIVED, S.DELIVERED, OFFICER)) == (
        "لا يمكن نقل شحنة حالتها «تم استلام الطلب» إلى «تم التسليم»."
    )


def test_failed_needs_a_reason(db):
    assert str(pipeline.refusal(S.OUT_FOR_DELIVERY, S.FAILED, OFFICER, 1, 3, note="x")) == "اختر سبب تعذر التسليم."
    assert str(pipeline.refusal(S.OUT_FOR_DELIVERY, S.FAILED, OFFICER, 1, 3, "x", "because")) == (
        "اختر سبب تعذر التسليم."
    )
    assert str(pipeline.refusal(S.OUT_FOR_DELIVERY, S.FAILED, OFFICER, 1, 3, "  ", "other")) == (
        "اكتب سبب تعذر التسليم."
    )
    assert pipeline.refusal(S.OUT_FOR_DELIVERY, S.FAILED, OFFICER, 1, 3, "", "nobody_home") is None
    assert pipeline.refusal(S.OUT_FOR_DELIVERY, S.FAILED, OFFICER, 1, 3, "No one at home", "other") is None


def test_attempts_limit_another_attempt_or_the_branch(db):
    # Before the last attempt: another attempt, not the branch (for the officer).
    assert pipeline.allowed_next(S.FAILED, OFFICER, attempts=2, max_attempts=3) == [S.OUT_FOR_DELIVERY]
    # After the last failed attempt: only back to the branch.
    assert pipeline.allowed_next(S.FAILED, OFFICER, attempts=3, max_attempts=3) == [S.RETURNED]
    assert "3" in str(pipeline.refusal(S.FAILED, S.OUT_FOR_DELIVERY, OFFICER, 3, 3))
    # The beneficiary may switch to the branch at any failure.
    assert pipeline.allowed_next(S.FAILED, BENEFICIARY, attempts=1, max_attempts=3) == [S.RETURNED]


@pytest.mark.parametrize(
    "current, expected",
    [
        (S.RECEIVED, [S.PREPARING]),
        (S.PREPARING, [S.HANDED_TO_POST]),
        (S.HANDED_TO_POST, [S.OUT_FOR_DELIVERY]),
        (S.OUT_FOR_DELIVERY, [S.DELIVERED, S.FAILED]),
        (S.DELIVERED, []),
        (S.RETURNED, []),
        (S.COLLECTED, []),
        (S.CANCELLED, []),
    ],
)
def test_officer_is_offered_only_the_next_steps(db, current, expected):
    assert pipeline.allowed_next(current, OFFICER, attempts=1) == expected


def test_arabic_status_labels(db):
    assert [str(pipeline.label(status)) for status in S.ALL] == [
        "بانتظار السداد",
        "تم استلام الطلب",
        "قيد التجهيز",
        "سُلّمت للبريد السعودي",
        "خرجت للتوصيل",
        "تم التسليم",
        "تعذر التسليم",
        "أعيدت إلى الفرع",
        "استُلمت من الفرع",
        "ملغى",
        "انتهت مهلة السداد",
    ]


def test_tracking_numbers_follow_upu_s10():
    # The UPU's own example: RR 47312482 9 …
    assert check_digit("47312482") == 9
    assert tracking_number("47312482") == "RR473124829SA"
    assert is_valid("RR473124829SA")
    assert not is_valid("RR473124828SA")
    assert not is_valid("RR47312482SA")
