"""After a failed attempt the beneficiary chooses: a day for the next attempt, a corrected
address (checked as at request time), or the branch (named, with its address and hours);
after the last attempt, only the branch."""

import pytest

from domain.dates import today
from domain.delivery.requests import days_for_next_attempt
from models import DeliveryStatus
from tests.helpers.addresses import ADDRESS
from tests.helpers.delivery import delivery, document_id, officer_moves, request_delivery


def failed_once(app, citizen):
    delivery_id = request_delivery(citizen, document_id(app))
    officer_moves(app, delivery_id, "preparing", "handed_to_post", "out_for_delivery")
    officer_moves(app, delivery_id, "failed", reason="nobody_home")
    return delivery_id


@pytest.mark.clock
def test_a_day_for_the_next_attempt(app, citizen, officer, data):
    delivery_id = failed_once(app, citizen)
    page = citizen.page(f"/delivery/{delivery_id}")
    form = page.one('form[action$="/next-day"]')
    offered = [radio["value"] for radio in form.select("input[name=day]")]
    assert len(offered) == 5 and all(day > today().isoformat() for day in offered)
    # No radio chosen: the page comes back with the message at the group, in the page language.
    answer = citizen.submit(form["action"], page.form_values(form))
    assert answer.status == 422 and answer.one("title").text.startswith("خطأ:")
    assert "اختر أحد الأيام المعروضة" in answer.one("#day-group .field-error").text
    assert citizen.submit(form["action"], dict(page.form_values(form), day="2099-01-01")).status == 422
    chosen = offered[2]
    done = citizen.submit(form["action"], dict(page.form_values(form), day=chosen))
    assert done.status == 303
    assert delivery(app, delivery_id).preferred_day.isoformat() == chosen
    page = citizen.page(f"/delivery/{delivery_id}")
    words = data.dual(delivery(app, delivery_id).preferred_day)
    assert f"المحاولة التالية مطلوبة يوم: {words}" in page.text
    assert "اختير يوم" in page.select(".timeline li")[-1].text
    row = officer.page("/officer/deliveries?status=failed").one(f"#delivery-{delivery_id}")
    assert words in row.select_one(".preferred-day").text
    # Going out again clears it.
    officer_moves(app, delivery_id, "out_for_delivery")
    assert delivery(app, delivery_id).preferred_day is None


def test_a_corrected_address_is_checked_as_at_request_time(app, citizen):
    delivery_id = failed_once(app, citizen)
    page = citizen.page(f"/delivery/{delivery_id}")
    link = page.one('a[href$="/address"]')
    assert link.text == "تصحيح العنوان"
    form_page = citizen.page(link["href"])
    assert form_page.status == 200
    data = dict(form_page.form_values("main form"), **ADDRESS)
    bad = citizen.submit(link["href"], dict(data, postal_code="12"))
    assert bad.status == 422 and "الرمز البريدي يتكون من 5 أرقام" in bad.text
    assert bad.one("#street")["value"] == ADDRESS["street"]
    assert citizen.submit(link["href"], dict(data, district="النخيل")).status == 303
    assert delivery(app, delivery_id).district == "النخيل"
    assert delivery(app, delivery_id).status == DeliveryStatus.FAILED


def test_branch_pickup_names_the_branch_its_address_and_hours(app, citizen):
    delivery_id = failed_once(app, citizen)
    page = citizen.page(f"/delivery/{delivery_id}")
    branch = page.one("#pickup-branch").text
    assert "فرع" in branch and "من الأحد إلى الخميس، من 07:30 إلى 14:30" in branch
    form = page.one('form[action$="/collect-at-branch"]')
    assert citizen.submit(form["action"], page.form_values(form)).status == 303
    assert delivery(app, delivery_id).status == DeliveryStatus.RETURNED


def test_after_the_last_attempt_only_the_branch(app, citizen, in_app):
    delivery_id = failed_once(app, citizen)
    for _attempt in range(2):
        officer_moves(app, delivery_id, "out_for_delivery")
        officer_moves(app, delivery_id, "failed", reason="address_not_found")
    page = citizen.page(f"/delivery/{delivery_id}")
    assert "كانت تلك محاولة التسليم الأخيرة" in page.text
    assert not page.select('form[action$="/next-day"]') and not page.select('a[href$="/address"]')
    assert page.select('form[action$="/collect-at-branch"]') and page.select("#pickup-branch")
    version = delivery(app, delivery_id).version
    offered = in_app(lambda: days_for_next_attempt()[0]).isoformat()
    refused = citizen.submit(f"/delivery/{delivery_id}/next-day", {"version": version, "day": offered})
    assert refused.status == 303
    assert "لا يُختار يوم إلا بعد محاولة تسليم متعذرة ليست الأخيرة" in citizen.page(f"/delivery/{delivery_id}").text
    moved_on = citizen.submit(f"/delivery/{delivery_id}/address", dict(ADDRESS, version=version))
    assert moved_on.status == 303
    assert "لم يعد تعديل العنوان ممكنًا" in citizen.page(f"/delivery/{delivery_id}").text
    assert delivery(app, delivery_id).version == version
