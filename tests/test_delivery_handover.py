"""Proof of delivery: the code sent when a delivery goes out, asked at «تم التسليم» (or the
recipient's ID digits with a reason), whether the old document was collected, wrong entries limited."""

import pytest

from domain.delivery import handover
from models import Delivery, DeliveryEvent, DeliveryStatus, Notification
from tests.helpers.delivery import delivery, delivery_code, document_id, officer_moves, request_delivery

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def out_for_delivery(app, citizen):
    delivery_id = request_delivery(citizen, document_id(app))
    officer_moves(app, delivery_id, "preparing", "handed_to_post", "out_for_delivery")
    return delivery_id


def hand_over(officer, delivery_id, htmx=False, **entered):
    page = officer.page("/officer/deliveries?status=out_for_delivery")
    form = page.one(f"#delivery-{delivery_id} form")
    data = dict(page.form_values(form), status="delivered", **entered)
    return officer.submit(form["action"], data, htmx=htmx)


def wrong(code):
    return f"{(int(code) + 1) % 10000:04d}"


def test_going_out_sends_a_four_digit_code(app, citizen, in_app):
    delivery_id = out_for_delivery(app, citizen)
    code = delivery_code(app, delivery_id)
    assert len(code) == 4 and code.isdigit()
    number = delivery(app, delivery_id).tracking_number
    note = in_app(lambda: Notification.select().order_by(Notification.id.desc()).first().text_ar)
    assert note == f"الشحنة {number} خرجت للتوصيل. أعطِ المندوب رمز التسليم {code}، ولا تعطه لأحد غيره."
    # Only a digest is kept with the delivery.
    assert code not in in_app(lambda: Delivery.get_by_id(delivery_id).handover_code_hash)


@pytest.mark.parametrize("htmx", [True, False])
def test_the_right_code_delivers_and_the_history_says_how(app, citizen, officer, in_app, htmx):
    delivery_id = out_for_delivery(app, citizen)
    code = delivery_code(app, delivery_id).translate(ARABIC_INDIC)
    answer = hand_over(officer, delivery_id, htmx=htmx, code=code, old_document="yes")
    assert answer.status == (200 if htmx else 303)
    if htmx:
        assert "تم التسليم" in answer.one(f"#delivery-{delivery_id} .status").text
    assert delivery(app, delivery_id).status == DeliveryStatus.DELIVERED
    event = in_app(lambda: DeliveryEvent.select().order_by(DeliveryEvent.id.desc()).first())
    assert (event.proof, event.old_document_collected) == ("code", True)
    page = citizen.page(f"/delivery/{delivery_id}")
    last = page.select(".timeline li")[-1].text
    assert "سُلّمت مقابل رمز التسليم" in last and "استُلمت الوثيقة القديمة" in last


@pytest.mark.parametrize("htmx", [True, False])
def test_a_wrong_code_is_refused_keeps_what_was_typed_and_counts(app, citizen, officer, htmx):
    delivery_id = out_for_delivery(app, citizen)
    code = delivery_code(app, delivery_id)
    answer = hand_over(officer, delivery_id, htmx=htmx, code=wrong(code), old_document="no", note="عند الباب")
    assert answer.status == 422
    row = answer.one(f"#delivery-{delivery_id}")
    assert "رمز التسليم غير صحيح. المحاولات المتبقية: 4" in answer.text
    assert row.select_one("select[name=old_document] option[selected]")["value"] == "no"
    assert row.select_one("input[name=note]")["value"] == "عند الباب"
    assert row.select_one("input[name=code]").get("value", "") == ""
    assert row.select_one("select[name=status] option[selected]")["value"] == "delivered"
    assert delivery(app, delivery_id).status == DeliveryStatus.OUT_FOR_DELIVERY
    assert delivery(app, delivery_id).handover_tries == 1


def test_after_the_last_wrong_entry_even_the_right_code_waits_for_the_next_attempt(app, citizen, officer):
    delivery_id = out_for_delivery(app, citizen)
    code = delivery_code(app, delivery_id)
    for left in (4, 3, 2, 1, 0):
        answer = hand_over(officer, delivery_id, code=wrong(code), old_document="yes")
        assert f"المحاولات المتبقية: {left}" in answer.text
    answer = hand_over(officer, delivery_id, code=code, old_document="yes")
    assert answer.status == 422 and "تجاوزت المحاولات الخاطئة الحد" in answer.text
    answer = hand_over(officer, delivery_id, id_digits="0008", note="المستفيد نسي هاتفه", old_document="yes")
    assert answer.status == 422 and "تجاوزت المحاولات الخاطئة الحد" in answer.text
    assert delivery(app, delivery_id).status == DeliveryStatus.OUT_FOR_DELIVERY
    # The attempt fails; the next one goes out with a new code and fresh tries.
    officer_moves(app, delivery_id, "failed", note="لم يُقدَّم رمز التسليم")
    officer_moves(app, delivery_id, "out_for_delivery")
    assert delivery(app, delivery_id).handover_tries == 0
    new_code = delivery_code(app, delivery_id)
    assert hand_over(officer, delivery_id, code=new_code, old_document="yes").status == 303
    assert delivery(app, delivery_id).status == DeliveryStatus.DELIVERED


def test_the_recipients_id_digits_with_a_reason_prove_the_handover(app, citizen, officer, in_app):
    delivery_id = out_for_delivery(app, citizen)
    # The demo citizen's ID is 1000000008.
    answer = hand_over(officer, delivery_id, id_digits="0008", old_document="no")
    assert answer.status == 422 and "اكتب سبب تعذر تقديم رمز التسليم" in answer.text
    answer = hand_over(officer, delivery_id, id_digits="1234", note="الهاتف مغلق", old_document="no")
    assert answer.status == 422 and "هذه ليست آخر أربعة أرقام من هوية المستلم" in answer.text
    answer = hand_over(officer, delivery_id, id_digits="٠٠٠٨", note="الهاتف مغلق", old_document="no")
    assert answer.status == 303
    event = in_app(lambda: DeliveryEvent.select().order_by(DeliveryEvent.id.desc()).first())
    assert (event.proof, event.note, event.old_document_collected) == ("id_digits", "الهاتف مغلق", False)
    last = citizen.page(f"/delivery/{delivery_id}").select(".timeline li")[-1].text
    assert "آخر أربعة أرقام من هوية المستلم" in last and "الهاتف مغلق" in last and "لم تُستلم الوثيقة القديمة" in last


def test_an_incomplete_entry_spends_no_try(app, citizen, officer):
    delivery_id = out_for_delivery(app, citizen)
    code = delivery_code(app, delivery_id)
    assert "أدخل رمز التسليم" in hand_over(officer, delivery_id, old_document="yes").text
    assert "رمز التسليم 4 أرقام" in hand_over(officer, delivery_id, code="12", old_document="yes").text
    assert "حدّد هل استُلمت الوثيقة القديمة" in hand_over(officer, delivery_id, code=code).text
    assert delivery(app, delivery_id).handover_tries == 0


def test_tries_are_taken_by_a_guarded_update(app, citizen, in_app):
    delivery_id = out_for_delivery(app, citizen)
    taken = [in_app(lambda: handover.take_try(delivery_id)) for _ in range(8)]
    assert taken == [True] * 5 + [False] * 3


def test_several_rows_cannot_be_delivered_at_once(app, citizen, officer):
    out_for_delivery(app, citizen)
    page = officer.page("/officer/deliveries")
    assert "delivered" not in [o["value"] for o in page.select("#bulk-status option")]
