"""«طلبات التوصيل»: the delivery officer's list, inline status changes, conflicts."""

from datetime import timedelta

import pytest

import models
from domain.dates import today
from domain.delivery import moves, pipeline, worklists
from models import Delivery, DeliveryEvent, DeliveryStatus, Document, DocumentStatus, User
from tests.helpers.accounts import DEMO
from tests.helpers.delivery import (
    delivery,
    delivery_code,
    document_id,
    make_deliveries,
    request_delivery,
    track_link,
)
from tests.helpers.pages import assert_well_formed


def row_form(page, delivery_id):
    return page.one(f"#delivery-{delivery_id} form")


def move(client, page, delivery_id, status, note="", htmx=False, reason=None, **proof):
    """Send the row's form; a failure with a note gives the reason «other» unless told otherwise."""
    form = row_form(page, delivery_id)
    data = page.form_values(form)
    if reason is None:
        reason = "other" if note else ""
    data.update(status=status, note=note, reason=reason, **proof)
    return client.submit(form["action"], data, htmx=htmx)


def tab_count(page, status):
    return page.one(f'.tab-count[data-status="{status or "all"}"]').text.strip("()")


def test_list_has_caption_headers_tabs_and_counts(app, citizen, officer):
    first = request_delivery(citizen, document_id(app))
    request_delivery(citizen, document_id(app, type_code="national_id"))
    page = officer.page("/officer/deliveries")
    assert page.status == 200
    assert page.one("h1").text == "طلبات التوصيل"
    assert "طلبات التوصيل" in page.one("table caption").text
    headers = [th.text for th in page.select("thead th")]
    assert "رقم الشحنة" in headers and "الحالة" in headers and "المدينة" in headers
    assert tab_count(page, "") == "2" and tab_count(page, "received") == "2" and tab_count(page, "preparing") == "0"
    assert len(page.select("tbody tr")) == 2
    assert delivery(app, first).tracking_number in page.text
    assert_well_formed(page)


def test_only_the_allowed_next_statuses_are_offered(app, citizen, officer):
    delivery_id = request_delivery(citizen, document_id(app))
    page = officer.page("/officer/deliveries")
    options = [o["value"] for o in row_form(page, delivery_id).select("select option")]
    assert options == ["preparing"]
    service_move(app, delivery_id, "preparing", "handed_to_post", "out_for_delivery")
    page = officer.page("/officer/deliveries")
    options = [o.text for o in row_form(page, delivery_id).select("select[name=status] option")]
    assert options == ["تم التسليم", "تعذر التسليم"]


def service_move(app, delivery_id, *statuses, note=""):
    with app.test_request_context(), models.db.connection_context():
        officer = User.get(User.national_id == DEMO["officer"])
        for status in statuses:
            version = Delivery.get_by_id(delivery_id).version
            moves.move(delivery_id, version, status, officer, "officer", note, track_link=track_link, reason="other")


def handed_over(app, delivery_id):
    """What the officer types at «تم التسليم»: the beneficiary's code, the old document collected."""
    return {"code": delivery_code(app, delivery_id), "old_document": "yes"}


def test_inline_update_with_htmx_returns_the_row_and_the_counts(app, citizen, officer):
    delivery_id = request_delivery(citizen, document_id(app))
    page = officer.page("/officer/deliveries?status=received")
    answer = move(officer, page, delivery_id, "preparing", htmx=True)
    assert answer.status == 200
    assert answer.soup.find("html") is None
    row = answer.one(f"tr#delivery-{delivery_id}")
    assert "قيد التجهيز" in row.select_one(".status").text
    assert "حالتها الآن «قيد التجهيز»" in row.text
    assert "قيد التجهيز" in answer.one("#announcer[hx-swap-oob]").text
    assert [o["value"] for o in row.select("select option")] == ["handed_to_post"]
    # CSS selectors do not look inside <template> (htmx unwraps it): find the tabs by hand.
    tabs = answer.soup.find("template").find("nav", id="delivery-tabs")
    assert tabs["hx-swap-oob"] == "true"
    counts = {span["data-status"]: str(span.string) for span in tabs.find_all("span", class_="tab-count")}
    assert counts["received"] == "(0)" and counts["preparing"] == "(1)" and counts["all"] == "(1)"
    # The tab the officer was on stays marked.
    assert tabs.find("a", attrs={"aria-current": "page"})["href"] == "/officer/deliveries?status=received"
    assert "HX-Request" in answer.response.headers["Vary"]
    assert delivery(app, delivery_id).status == DeliveryStatus.PREPARING


def test_inline_update_without_javascript_returns_to_the_same_filtered_list(app, citizen, officer):
    delivery_id = request_delivery(citizen, document_id(app))
    url = "/officer/deliveries?status=received&city=riyadh"
    page = officer.page(url)
    answer = move(officer, page, delivery_id, "preparing")
    assert answer.status == 303
    assert answer.response.headers["Location"] == url
    page = officer.page(url)
    assert "حالتها الآن «قيد التجهيز»" in page.one(".flashes").text
    assert tab_count(page, "preparing") == "1"
    assert not page.select(f"#delivery-{delivery_id}")  # no longer «received»


def test_every_change_is_recorded(app, citizen, officer):
    delivery_id = request_delivery(citizen, document_id(app))
    service_move(app, delivery_id, "preparing", "handed_to_post", "out_for_delivery")
    page = officer.page("/officer/deliveries")
    move(officer, page, delivery_id, "failed", note="لا يوجد أحد في المنزل")
    with app.app_context(), models.db.connection_context():
        event = DeliveryEvent.select().order_by(DeliveryEvent.id.desc()).first()
        assert event.author.national_id == DEMO["officer"]
        assert (event.from_status, event.to_status) == ("out_for_delivery", "failed")
        assert event.note == "لا يوجد أحد في المنزل" and event.created_at is not None


def test_failed_needs_a_reason_and_other_a_note(app, citizen, officer, in_app):
    delivery_id = request_delivery(citizen, document_id(app))
    service_move(app, delivery_id, "preparing", "handed_to_post", "out_for_delivery")
    page = officer.page("/officer/deliveries")
    reasons = [o.text for o in page.select(f"#reason-{delivery_id} option")][1:]
    assert reasons == [
        "لا يوجد أحد في العنوان",
        "العنوان غير موجود",
        "رفض المستلم استلام الوثيقة",
        "هوية المستلم غير مطابقة",
        "أخرى (اكتبها في الملاحظة)",
    ]
    answer = move(officer, page, delivery_id, "failed", htmx=True)
    assert answer.status == 422
    assert "اختر سبب تعذر التسليم" in answer.one(f"#delivery-{delivery_id} [role=alert]").text
    answer = move(officer, page, delivery_id, "failed", reason="other")
    assert answer.status == 422 and answer.one("h1").text == "طلبات التوصيل"
    assert "اكتب سبب تعذر التسليم" in answer.one("main > [role=alert]").text
    # The chosen reason stays chosen.
    assert answer.one(f"#reason-{delivery_id} option[selected]")["value"] == "other"
    assert move(officer, page, delivery_id, "failed", reason="made-up").status == 422
    assert delivery(app, delivery_id).status == DeliveryStatus.OUT_FOR_DELIVERY
    assert move(officer, page, delivery_id, "failed", reason="address_not_found").status == 303
    event = in_app(lambda: DeliveryEvent.select().order_by(DeliveryEvent.id.desc()).first())
    assert (event.reason, event.note) == ("address_not_found", "")
    track = citizen.page(f"/delivery/{delivery_id}")
    assert "العنوان غير موجود" in track.select(".timeline li")[-1].text
    sms = in_app(lambda: models.OutboxMessage.select().order_by(models.OutboxMessage.id.desc()).first().body)
    assert "تعذر تسليم الشحنة" in sms and "العنوان غير موجود" in sms
    with app.test_request_context():
        from flask import session

        session["lang"] = "en"
        assert str(pipeline.reason_label("address_not_found")) == "Address not found"


def test_a_skipped_step_is_refused(app, citizen, officer):
    delivery_id = request_delivery(citizen, document_id(app))
    page = officer.page("/officer/deliveries")
    answer = move(officer, page, delivery_id, "delivered", htmx=True)
    assert answer.status == 422
    assert "لا يمكن نقل شحنة حالتها «تم استلام الطلب» إلى «تم التسليم»" in answer.text
    assert delivery(app, delivery_id).status == DeliveryStatus.RECEIVED


@pytest.mark.parametrize("htmx", [True, False])
def test_two_officers_at_once_the_second_gets_a_conflict(app, citizen, make_client, htmx):
    delivery_id = request_delivery(citizen, document_id(app))
    first, second = make_client("officer"), make_client("officer")
    seen_by_first = first.page("/officer/deliveries")
    seen_by_second = second.page("/officer/deliveries")
    assert move(first, seen_by_first, delivery_id, "preparing", htmx=htmx).status == (200 if htmx else 303)
    answer = move(second, seen_by_second, delivery_id, "preparing", htmx=htmx)
    assert answer.status == 409
    alert = answer.one(f"#delivery-{delivery_id} [role=alert]" if htmx else "main > [role=alert]")
    assert "حدّث موظف آخر" in alert.text and "«قيد التجهيز»" in alert.text
    with app.app_context(), models.db.connection_context():
        stored = Delivery.get_by_id(delivery_id)
        assert (stored.status, stored.version) == (DeliveryStatus.PREPARING, 3)
        assert DeliveryEvent.select().where(DeliveryEvent.delivery == delivery_id).count() == 3
        # The request's own event, its payment, then the first officer's move and nothing else.
        assert moves_recorded(delivery_id) == [
            ("", "awaiting_payment"),
            ("awaiting_payment", "received"),
            ("received", "preparing"),
        ]
    # The answer shows the current state, so the officer can go on from there.
    row = answer.one(f"#delivery-{delivery_id}")
    assert "قيد التجهيز" in row.select_one(".status").text
    assert row.select_one('input[name="version"]')["value"] == "3"


def moves_recorded(delivery_id):
    """The (from, to) statuses of a delivery's events, oldest first."""
    events = DeliveryEvent.select().where(DeliveryEvent.delivery == delivery_id).order_by(DeliveryEvent.id)
    return [(event.from_status, event.to_status) for event in events]


@pytest.mark.parametrize("htmx", [True, False])
def test_a_second_officer_choosing_another_status_does_not_overwrite_the_first(app, citizen, make_client, htmx):
    delivery_id = request_delivery(citizen, document_id(app))
    service_move(app, delivery_id, "preparing", "handed_to_post", "out_for_delivery")
    first, second = make_client("officer"), make_client("officer")
    seen_by_first = first.page("/officer/deliveries")
    seen_by_second = second.page("/officer/deliveries")
    answer = move(first, seen_by_first, delivery_id, "delivered", htmx=htmx, **handed_over(app, delivery_id))
    assert answer.status == (200 if htmx else 303)
    answer = move(second, seen_by_second, delivery_id, "failed", note="لا أحد في العنوان", htmx=htmx)
    assert answer.status == 409
    assert "«تم التسليم»" in answer.one(f"#delivery-{delivery_id}" if htmx else "main > [role=alert]").text
    with app.app_context(), models.db.connection_context():
        stored = Delivery.get_by_id(delivery_id)
        assert (stored.status, stored.attempts) == (DeliveryStatus.DELIVERED, 1)
        assert Document.get_by_id(stored.document_id).status == DocumentStatus.DELIVERED
        # One event for the first officer's move, none for the second's.
        assert moves_recorded(delivery_id) == [
            ("", "awaiting_payment"),
            ("awaiting_payment", "received"),
            ("received", "preparing"),
            ("preparing", "handed_to_post"),
            ("handed_to_post", "out_for_delivery"),
            ("out_for_delivery", "delivered"),
        ]


@pytest.mark.clock
def test_filters_by_status_city_date_and_search(app, citizen, resident, officer):
    riyadh = request_delivery(citizen, document_id(app))
    jeddah = request_delivery(resident, document_id(app, "resident", "iqama"), city="jeddah")
    service_move(app, jeddah, "preparing")
    numbers = {key: delivery(app, key).tracking_number for key in (riyadh, jeddah)}

    def shown(url):
        page = officer.page(url)
        assert page.status == 200
        return {key for key, number in numbers.items() if number in page.text}

    assert shown("/officer/deliveries") == {riyadh, jeddah}
    assert shown("/officer/deliveries?status=preparing") == {jeddah}
    assert shown("/officer/deliveries?city=jeddah") == {jeddah}
    assert shown(f"/officer/deliveries?date={today().isoformat()}") == {riyadh, jeddah}
    assert shown(f"/officer/deliveries?date={(today() - timedelta(days=1)).isoformat()}") == set()
    assert shown(f"/officer/deliveries?date={(today() + timedelta(days=1)).isoformat()}") == set()
    assert shown(f"/officer/deliveries?q={numbers[riyadh].lower()}") == {riyadh}
    assert shown(f"/officer/deliveries?q={numbers[jeddah][-5:]}") == {jeddah}
    assert shown(f"/officer/deliveries?q={DEMO['resident']}") == {jeddah}
    assert shown("/officer/deliveries?q=٢٠٠٠٠٠٠٠٠٦") == {jeddah}
    page = officer.page("/officer/deliveries?city=jeddah")
    assert tab_count(page, "") == "1" and tab_count(page, "preparing") == "1"
    assert page.one("#city option[selected]")["value"] == "jeddah"


def test_keyset_pagination(app, officer):
    ids = make_deliveries(app, 18)
    page = officer.page("/officer/deliveries")
    rows = page.select("tbody tr")
    assert len(rows) == worklists.PAGE_SIZE == 15
    assert len(page.response.get_data()) <= 40 * 1024, "a full page stays within the page weight budget"
    assert rows[0]["id"] == f"delivery-{ids[-1]}"
    next_link = page.one('a[rel="next"]')
    assert f"after={ids[3]}" in next_link["href"]
    # A delivery created between the two pages does not shift the second page.
    make_deliveries(app, 1, owner="resident")
    page = officer.page(next_link["href"])
    assert [tr["id"] for tr in page.select("tbody tr")] == [f"delivery-{i}" for i in reversed(ids[:3])]
    assert not page.select('a[rel="next"]')
    assert page.select(".pagination a")[0].text == "الصفحة الأولى"


def test_move_several_rows_at_once(app, officer):
    ids = make_deliveries(app, 3)
    service_move(app, ids[2], "preparing")
    page = officer.page("/officer/deliveries")
    form = page.one("#bulk-form")
    data = page.form_values(form)
    data["status"] = "preparing"
    selected = [page.one(f"#select-{i}")["value"] for i in ids]
    response = officer.post(
        form["action"],
        data={**data, "selected": selected},
    )
    assert response.status_code == 303
    page = officer.page("/officer/deliveries")
    flashes = page.one(".flashes").text
    assert "نُقلت شحنتان إلى «قيد التجهيز»" in flashes
    assert "لم تُنقل شحنة واحدة" in flashes
    with app.app_context(), models.db.connection_context():
        assert [Delivery.get_by_id(i).status for i in ids] == ["preparing"] * 3
        assert Delivery.get_by_id(ids[2]).version == 3


def test_the_officer_cannot_hand_over_at_the_branch(app, citizen, officer):
    delivery_id = request_delivery(citizen, document_id(app))
    service_move(app, delivery_id, "preparing", "handed_to_post")
    for _attempt in range(3):
        service_move(app, delivery_id, "out_for_delivery")
        service_move(app, delivery_id, "failed", note="لا أحد")
    page = officer.page("/officer/deliveries")
    assert [o["value"] for o in row_form(page, delivery_id).select("option")] == ["returned_to_branch"]
    move(officer, page, delivery_id, "returned_to_branch")
    page = officer.page("/officer/deliveries")
    assert not page.select(f"#delivery-{delivery_id} form")
    version = delivery(app, delivery_id).version
    page = officer.submit(
        f"/officer/deliveries/{delivery_id}/status", {"status": "collected_at_branch", "version": version}
    )
    assert page.status == 422
    assert "لا يمكن نقل شحنة حالتها «أعيدت إلى الفرع» إلى «استُلمت من الفرع»" in page.text
    assert delivery(app, delivery_id).status == DeliveryStatus.RETURNED


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_officer_and_desk_pages_are_well_formed(app, citizen, make_client, lang):
    request_delivery(citizen, document_id(app))
    for role, url in [
        ("officer", "/officer/deliveries"),
        ("officer", "/officer/deliveries?status=delivered"),
        ("desk", "/desk/returned-documents"),
    ]:
        client = make_client(role)
        client.submit("/language", {"lang": lang, "next": "/"})
        page = client.page(url)
        assert page.status == 200
        assert_well_formed(page)
        assert page.soup.find("html")["lang"] == lang
