"""Document delivery (توصيل الوثائق): the beneficiary's request, tracking, cancelling."""

import ast
from pathlib import Path

import pytest
from peewee import IntegrityError

import migrations
import models
from domain.delivery import bills, moves, payments, requests, sadad
from domain.delivery.tracking import is_valid
from domain.tokens import new_token
from models import Delivery, DeliveryStatus, Document, DocumentStatus, Notification, SavedAddress, User
from tests.helpers.accounts import DEMO
from tests.helpers.addresses import ADDRESS
from tests.helpers.delivery import (
    bill,
    delivery,
    document_id,
    document_status,
    officer_moves,
    request_delivery,
    review,
    track_link,
)
from tests.helpers.pages import assert_well_formed
from tests.helpers.pdf import pdf_contains, pdf_text


def test_delivery_page_lists_ready_documents_and_requests(app, citizen):
    page = citizen.page("/delivery")
    assert page.status == 200
    assert page.one("h1").text == "توصيل الوثائق"
    assert "جواز السفر" in page.text and "بطاقة الهوية الوطنية" in page.text
    links = [a for a in page.select("a") if "طلب توصيل" in a.text]
    assert len(links) == 2
    assert "لم تطلب توصيل أي وثيقة بعد" in page.text

    delivery_id = request_delivery(citizen, document_id(app))
    page = citizen.page("/delivery")
    assert len([a for a in page.select("a") if "طلب توصيل" in a.text]) == 1
    row = page.one("#deliveries-title + .table-wrap tbody tr")
    assert delivery(app, delivery_id).tracking_number in row.text
    assert "تم استلام الطلب" in row.text and "جواز السفر" in row.text


def test_request_review_confirm_and_print(app, citizen):
    doc_id = document_id(app)
    form = citizen.page(f"/delivery/request/{doc_id}")
    assert form.status == 200
    for label in [
        "العنوان الوطني",
        "العنوان المختصر",
        "رقم المبنى",
        "اسم الشارع",
        "الحي",
        "المدينة",
        "الرمز البريدي",
        "الرقم الإضافي",
    ]:
        assert label in form.text
    assert form.one("#mobile")["value"] == "0500000008"

    page = review(citizen, doc_id)
    assert page.one("h1").text == "مراجعة طلب التوصيل"
    assert "رسوم التوصيل" in page.text and "35.00 ريال" in page.text
    assert "RRRD2929" in page.text and "الرياض" in page.text

    data = page.form_values('form[action$="/confirm"]')
    assert data["submission_token"]
    confirmed = citizen.submit(f"/delivery/request/{doc_id}/confirm", data)
    assert confirmed.status == 303
    page = citizen.page(confirmed.response.headers["Location"])
    number = page.one(".panel__number bdi").text
    assert is_valid(number) and number.endswith("SA")
    assert page.one(".panel__number bdi[dir=ltr]").text == number
    assert document_status(app, doc_id) == DocumentStatus.IN_DELIVERY
    # The SADAD bill: its number, the biller, the exact amount and when it must be paid by.
    bill_number = page.one("#bill-number").text
    assert bill_number.isdigit() and len(bill_number) == 12
    assert page.one("#biller-code").text == "901"
    assert page.one("#bill-amount").text == "35.00 ريال"
    assert "آخر موعد للسداد" in page.text and page.select("#bill-title ~ dl time")

    printed = page.one('a[href$="receipt.pdf"]')
    assert printed.text == "طباعة"
    response = citizen.get(printed["href"])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)

    assert pdf_contains(text, number)
    assert pdf_contains(text, "جواز السفر")
    assert pdf_contains(text, bill_number) and "35.00" in text
    assert "RRRD" in text and "****" in text  # the short address, its digits masked
    assert "2929" not in text.replace(number, "")  # the building number and digits stay hidden


def test_double_click_on_confirm_creates_one_delivery(app, citizen):
    doc_id = document_id(app)
    data = review(citizen, doc_id).form_values('form[action$="/confirm"]')
    first = citizen.submit(f"/delivery/request/{doc_id}/confirm", data)
    second = citizen.submit(f"/delivery/request/{doc_id}/confirm", data)
    assert first.status == second.status == 303
    assert first.response.headers["Location"] == second.response.headers["Location"]
    with app.app_context(), models.db.connection_context():
        assert Delivery.select().count() == 1


def test_one_delivery_in_progress_per_document(app, citizen):
    doc_id = document_id(app)
    request_delivery(citizen, doc_id)
    # A second review started before the first was confirmed, confirmed after it.
    data = review(citizen, doc_id).form_values('form[action$="/confirm"]')
    data["submission_token"] = "another-click"
    page = citizen.submit(f"/delivery/request/{doc_id}/confirm", data)
    assert page.status == 303
    page = citizen.page(page.response.headers["Location"])
    assert "لهذه الوثيقة طلب توصيل قائم" in page.text
    with app.app_context(), models.db.connection_context():
        assert Delivery.select().where(Delivery.document == doc_id).count() == 1


def test_the_database_refuses_a_second_active_delivery(app, db):
    user = User.get(User.national_id == DEMO["citizen"])
    document = Document.select().where(Document.user == user).first()
    first, created = requests.request_delivery(user, document, ADDRESS, "t1", track_link=track_link)
    assert created
    # Even if the document's status were put back by mistake, the unique index holds.
    Document.update(status=DocumentStatus.READY).where(Document.id == document.id).execute()
    with pytest.raises(IntegrityError):
        requests.request_delivery(user, document, ADDRESS, "t2", track_link=track_link)
    assert Delivery.select().count() == 1


def test_delivered_document_cannot_be_requested_again(app, citizen):
    doc_id = document_id(app)
    delivery_id = request_delivery(citizen, doc_id)
    officer_moves(app, delivery_id, "preparing", "handed_to_post", "out_for_delivery", "delivered")
    assert document_status(app, doc_id) == DocumentStatus.DELIVERED
    page = citizen.page(f"/delivery/request/{doc_id}")
    assert page.status == 302
    page = citizen.page("/delivery")
    assert "لا يمكن طلب توصيلها مرة أخرى" in page.text
    data = dict(ADDRESS, submission_token="later")
    page = citizen.submit(f"/delivery/request/{doc_id}/confirm", data)
    assert page.status == 303
    assert "لا يمكن طلب توصيلها مرة أخرى" in citizen.page("/delivery").text
    with app.app_context(), models.db.connection_context():
        assert Delivery.select().count() == 1


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("short_address", "RRR2929", "العنوان المختصر 4 حروف لاتينية ثم 4 أرقام"),
        ("short_address", "", "أدخل العنوان المختصر"),
        ("building_number", "29", "رقم المبنى يتكون من 4 أرقام"),
        ("street", "", "أدخل اسم الشارع"),
        ("district", "", "أدخل اسم الحي"),
        ("city", "", "اختر المدينة"),
        ("city", "nowhere", "اختر مدينة من القائمة"),
        ("postal_code", "1234", "الرمز البريدي يتكون من 5 أرقام"),
        ("additional_number", "12345", "الرقم الإضافي يتكون من 4 أرقام"),
        ("mobile", "0312345678", "أدخل رقم جوال سعوديًا"),
    ],
)
def test_each_bad_field_is_shown_at_the_field_and_in_the_summary(app, citizen, field, value, message):
    page = review(citizen, document_id(app), **{field: value})
    assert page.status == 422
    assert page.soup.title.text.startswith("خطأ: ")
    assert message in page.one(".error-summary").text
    assert page.one(f'.error-summary a[href="#{field}"]')
    group = page.one(f"#{field}-group")
    assert "field--error" in group["class"] and message in group.text
    assert page.one(f"#{field}")["aria-describedby"].endswith(f"{field}-error")
    # What was typed elsewhere is kept.
    assert page.one("#street")["value"] == (value if field == "street" else ADDRESS["street"])
    assert_well_formed(page)


def test_arabic_indic_digits_are_accepted(app, citizen):
    page = review(
        citizen,
        document_id(app),
        short_address="rrrd٢٩٢٩",
        building_number="٢٩٢٩",
        postal_code="١٢٢١١",
        additional_number="٧٧٨٨",
        mobile="+٩٦٦٥٠٠٠٠٠٠٠٨",
    )
    assert page.status == 200
    values = page.form_values('form[action$="/confirm"]')
    assert values["short_address"] == "RRRD2929"
    assert values["postal_code"] == "12211"
    assert values["mobile"] == "0500000008"


def test_a_field_is_checked_alone_when_it_loses_focus(app, citizen):
    doc_id = document_id(app)
    url = f"/delivery/request/{doc_id}"
    citizen.page(url)
    headers = {"HX-Trigger-Name": "postal_code"}
    page = citizen.submit(url, dict(ADDRESS, postal_code="12"), htmx=True, headers=headers)
    assert page.status == 422
    assert page.soup.find("html") is None and not page.select("h1")
    group = page.one("#postal_code-group")
    assert "الرمز البريدي يتكون من 5 أرقام" in group.text
    assert "الرمز البريدي يتكون من 5 أرقام" in page.one("#announcer[hx-swap-oob]").text
    assert page.one("#postal_code")["hx-post"] == url
    assert page.one("#postal_code")["hx-target"] == "closest .field"
    assert "HX-Request" in page.response.headers["Vary"]

    page = citizen.submit(url, dict(ADDRESS, postal_code="١٢٢١١"), htmx=True, headers=headers)
    assert page.status == 200
    assert not page.select(".field-error") and not page.select("#announcer")
    assert page.one("#postal_code")["value"] == "12211"

    # Other fields are not judged while only one is checked.
    page = citizen.submit(url, {"postal_code": "12211"}, htmx=True, headers=headers)
    assert page.status == 200 and not page.select(".field-error")

    # Without htmx the same URL checks everything and answers with the whole page.
    page = citizen.submit(url, dict(ADDRESS, postal_code="12"))
    assert page.status == 422 and page.one("h1").text == "طلب توصيل"


def test_the_address_can_be_saved_and_reused(app, citizen):
    doc_id = document_id(app)
    request_delivery(citizen, doc_id, save_address="y")
    with app.app_context(), models.db.connection_context():
        saved = SavedAddress.get()
        assert saved.short_address == "RRRD2929" and saved.city.code == "riyadh"
    other = document_id(app, type_code="national_id")
    page = citizen.page(f"/delivery/request/{other}")
    assert page.one("#saved option").text.startswith("RRRD2929")
    page = citizen.page(f"/delivery/request/{other}?saved={saved.id}")
    values = page.form_values(f'main form[action="/delivery/request/{other}"][method="post"]')
    for name in ADDRESS:
        assert values[name] == ADDRESS[name], name


def test_tracking_shows_every_step_with_notes(app, citizen):
    delivery_id = request_delivery(citizen, document_id(app))
    officer_moves(app, delivery_id, "preparing", "handed_to_post", "out_for_delivery")
    officer_moves(app, delivery_id, "failed", note="لا يوجد أحد في العنوان")
    officer_moves(app, delivery_id, "out_for_delivery", "delivered")
    page = citizen.page(f"/delivery/{delivery_id}")
    assert page.status == 200
    assert page.one("h1").text.startswith("تتبع الشحنة")
    steps = [li.select_one("strong").text for li in page.select(".timeline li")]
    assert steps == [
        "بانتظار السداد",
        "تم استلام الطلب",
        "قيد التجهيز",
        "سُلّمت للبريد السعودي",
        "خرجت للتوصيل",
        "تعذر التسليم",
        "خرجت للتوصيل",
        "تم التسليم",
    ]
    assert "لا يوجد أحد في العنوان" in page.select(".timeline li")[5].text
    assert all(li.select_one("time") for li in page.select(".timeline li"))
    assert "2 من 3" in page.text


def test_each_change_notifies_the_beneficiary(app, citizen, in_app):
    delivery_id = request_delivery(citizen, document_id(app))
    number = delivery(app, delivery_id).tracking_number
    officer_moves(app, delivery_id, "preparing", "handed_to_post")
    texts = in_app(
        lambda: [
            m.body
            for m in models.OutboxMessage.select()
            .where((models.OutboxMessage.recipient == "0500000008") & (models.OutboxMessage.body.contains(number)))
            .order_by(models.OutboxMessage.id)
        ]
    )
    bill_number = bill(app, delivery_id).bill_number
    assert texts[0].startswith(
        f"الشحنة {number}: سدّد فاتورة سداد رقم {bill_number} (رمز المفوتر 901) بمبلغ 35.00 ريال قبل"
    )
    assert texts[1:] == [
        f"سُدّدت رسوم الشحنة {number}، واستُلم الطلب وسيُجهّز.",
        f"الشحنة {number}: قيد التجهيز.",
        f"الشحنة {number}: سُلّمت للبريد السعودي.",
    ]
    page = citizen.page("/delivery")
    assert page.one(".masthead .badge").text.startswith("4")
    notes = citizen.page("/notifications")
    link = notes.select(f'a[href="/delivery/{delivery_id}"]')
    assert len(link) == 4


def test_the_domain_puts_the_links_it_is_given_in_its_notifications(app):
    # Each link is what the callable returned, never a URL the domain built.
    with app.test_request_context(), models.db.connection_context():
        user = User.get(User.national_id == DEMO["citizen"])
        officer = User.get(User.national_id == DEMO["officer"])
        document = Document.get((Document.user == user) & (Document.status == DocumentStatus.READY))
        made, created = requests.request_delivery(
            user, document, ADDRESS, new_token(), track_link=lambda d: f"/given/request/{d.tracking_number}"
        )
        assert created
        body, signature = sadad.DemoSadad().pay(bills.bill_of(made))
        payments.confirm_payment(payments.read_notice(body, signature), track_link=lambda d: f"/given/paid/{d.id}")
        paid = Delivery.get_by_id(made.id)
        moved = moves.move(
            made.id, paid.version, "preparing", officer, "officer", track_link=lambda d: f"/given/move/{d.id}"
        )
        changed = requests.change_address(
            moved,
            moved.version,
            user,
            dict(ADDRESS, district="النخيل"),
            track_link=lambda d: f"/given/address/{d.version}",
        )
        links = [
            n.link
            for n in Notification.select().where(Notification.link.startswith("/given/")).order_by(Notification.id)
        ]
    assert links == [
        f"/given/request/{made.tracking_number}",
        f"/given/paid/{made.id}",
        f"/given/move/{made.id}",
        f"/given/address/{changed.version}",
    ]


def test_the_delivery_domain_builds_no_url_and_reads_no_request():
    for path in (Path(__file__).parent.parent / "domain" / "delivery").glob("*.py"):
        source = path.read_text()
        assert "url_for" not in source, path.name
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and node.module == "flask":
                assert not {alias.name for alias in node.names} & {"request", "session", "g"}, path.name


def test_cancel_before_saudi_post_puts_the_document_back(app, citizen):
    doc_id = document_id(app)
    delivery_id = request_delivery(citizen, doc_id)
    officer_moves(app, delivery_id, "preparing")
    page = citizen.page(f"/delivery/{delivery_id}")
    # «إلغاء التوصيل» asks first; «لا، أبقِه» changes nothing.
    confirm = citizen.page(page.one('main a[href$="/cancel"]')["href"])
    assert confirm.one("h1").text == "هل تريد إلغاء هذا التوصيل؟"
    assert confirm.one(f'a[href="/delivery/{delivery_id}"]')
    assert delivery(app, delivery_id).status == DeliveryStatus.PREPARING
    form = confirm.one('form[action$="/cancel"]')
    done = citizen.submit(form["action"], confirm.form_values(form))
    assert done.status == 303
    page = citizen.page(f"/delivery/{delivery_id}")
    assert page.one("#delivery-status").text == "ملغى"
    assert not page.select('a[href$="/cancel"]')
    assert citizen.get(f"/delivery/{delivery_id}/cancel").status_code == 303
    assert document_status(app, doc_id) == DocumentStatus.READY
    # The document can be requested again.
    request_delivery(citizen, doc_id)


def test_no_cancel_or_address_change_once_saudi_post_has_it(app, citizen):
    doc_id = document_id(app)
    delivery_id = request_delivery(citizen, doc_id)
    stale = citizen.page(f"/delivery/{delivery_id}/cancel").form_values('form[action$="/cancel"]')
    officer_moves(app, delivery_id, "preparing", "handed_to_post")
    page = citizen.page(f"/delivery/{delivery_id}")
    assert not page.select('a[href$="/cancel"]') and not page.select('a[href$="/address"]')
    citizen.submit(f"/delivery/{delivery_id}/cancel", dict(stale, version=delivery(app, delivery_id).version))
    page = citizen.page(f"/delivery/{delivery_id}")
    assert "لا يمكن نقل شحنة حالتها «سُلّمت للبريد السعودي» إلى «ملغى»" in page.text
    assert delivery(app, delivery_id).status == DeliveryStatus.HANDED_TO_POST
    citizen.submit(f"/delivery/{delivery_id}/address", ADDRESS)
    assert "لم يعد تعديل العنوان ممكنًا" in citizen.page(f"/delivery/{delivery_id}").text
    assert document_status(app, doc_id) == DocumentStatus.IN_DELIVERY


def test_address_change_before_saudi_post(app, citizen):
    delivery_id = request_delivery(citizen, document_id(app))
    page = citizen.page(f"/delivery/{delivery_id}/address")
    assert page.one("#short_address")["value"] == "RRRD2929"
    assert_well_formed(page)
    data = page.form_values('main form[method="post"]')
    data.update(short_address="ABCD1234", district="النخيل")
    bad = citizen.submit(f"/delivery/{delivery_id}/address", dict(data, building_number="1"))
    assert bad.status == 422 and "رقم المبنى يتكون من 4 أرقام" in bad.text
    assert delivery(app, delivery_id).short_address == "RRRD2929"
    done = citizen.submit(f"/delivery/{delivery_id}/address", data)
    assert done.status == 303
    page = citizen.page(f"/delivery/{delivery_id}")
    assert "ABCD1234" in page.text and "النخيل" in page.text
    assert "تعديل العنوان" in page.select(".timeline li")[-1].text


def test_after_a_failure_the_beneficiary_may_collect_at_the_branch(app, citizen, desk, make_client):
    doc_id = document_id(app)
    delivery_id = request_delivery(citizen, doc_id)
    page = citizen.page(f"/delivery/{delivery_id}")
    assert not page.select('form[action$="/collect-at-branch"]')
    officer_moves(app, delivery_id, "preparing", "handed_to_post", "out_for_delivery")
    officer_moves(app, delivery_id, "failed", note="العنوان غير واضح")
    page = citizen.page(f"/delivery/{delivery_id}")
    form = page.one('form[action$="/collect-at-branch"]')
    assert citizen.submit(form["action"], page.form_values(form)).status == 303
    assert delivery(app, delivery_id).status == DeliveryStatus.RETURNED

    # The desk of the document's branch hands it over; it shows «أعيدت إلى الفرع» there.
    page = desk.page("/desk/returned-documents")
    assert page.status == 200
    assert_well_formed(page)
    number = delivery(app, delivery_id).tracking_number
    row = [tr for tr in page.select("tbody tr") if number in tr.text]
    assert len(row) == 1
    form = row[0].select_one("form")
    assert desk.submit(form["action"], page.form_values(form)).status == 303
    assert delivery(app, delivery_id).status == DeliveryStatus.COLLECTED
    assert document_status(app, doc_id) == DocumentStatus.COLLECTED
    assert not desk.page("/desk/returned-documents").select("tbody tr")
    page = citizen.page(f"/delivery/{delivery_id}")
    assert page.one("#delivery-status").text == "استُلمت من الفرع"
    assert page.select(".timeline li strong")[-1].text == "استُلمت من الفرع"


def test_a_desk_sees_only_its_branch_returns(app, citizen, make_client):
    # The resident's iqama waits at the passports branch; the driving licence at a traffic branch.
    resident = make_client("resident")
    licence = request_delivery(resident, document_id(app, "resident", "driving_license"))
    officer_moves(app, licence, "preparing", "handed_to_post")
    for _attempt in range(3):
        officer_moves(app, licence, "out_for_delivery")
        officer_moves(app, licence, "failed", note="لم يرد على الجوال")
    officer_moves(app, licence, "returned_to_branch")
    desk = make_client("desk")
    number = delivery(app, licence).tracking_number
    returns = desk.page("/desk/returned-documents")
    assert number not in returns.text and not returns.select("tbody tr")
    page = desk.submit(f"/desk/returned-documents/{licence}/hand-over", {"version": delivery(app, licence).version})
    assert page.status == 404
    assert delivery(app, licence).status == DeliveryStatus.RETURNED


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/delivery/{id}"),
        ("get", "/delivery/{id}/confirmation"),
        ("get", "/delivery/{id}/receipt.pdf"),
        ("get", "/delivery/{id}/address"),
        ("post", "/delivery/{id}/address"),
        ("post", "/delivery/{id}/cancel"),
        ("post", "/delivery/{id}/collect-at-branch"),
        ("get", "/delivery/{id}/demo-payment"),
        ("post", "/delivery/{id}/demo-payment"),
        ("post", "/delivery/{id}/next-day"),
    ],
)
def test_another_beneficiarys_delivery_is_404(app, citizen, resident, method, path):
    delivery_id = request_delivery(citizen, document_id(app))
    url = path.format(id=delivery_id)
    page = resident.page(url) if method == "get" else resident.submit(url, dict(ADDRESS, version=1))
    assert page.status == 404
    assert delivery(app, delivery_id).status == DeliveryStatus.RECEIVED


def test_another_beneficiarys_document_is_404(app, resident):
    doc_id = document_id(app)
    assert resident.page(f"/delivery/request/{doc_id}").status == 404
    assert resident.submit(f"/delivery/request/{doc_id}/confirm", ADDRESS).status == 404


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_beneficiary_pages_are_well_formed(app, citizen, lang):
    doc_id = document_id(app)
    delivery_id = request_delivery(citizen, doc_id, save_address="y")
    citizen.submit("/language", {"lang": lang, "next": "/"})
    other = document_id(app, type_code="national_id")
    for url in [
        "/delivery",
        f"/delivery/request/{other}",
        f"/delivery/{delivery_id}",
        f"/delivery/{delivery_id}/confirmation",
        f"/delivery/{delivery_id}/address",
    ]:
        page = citizen.page(url)
        assert page.status == 200, url
        assert_well_formed(page)
        assert page.soup.find("html")["lang"] == lang
    page = review(citizen, other)
    assert_well_formed(page)
    page = review(citizen, other, postal_code="x")
    assert_well_formed(page)
    if lang == "en":
        assert "Request delivery" in page.text and "Track shipment" in citizen.page("/delivery").text


def test_staff_cannot_open_beneficiary_delivery_pages(app, officer, desk):
    assert officer.page("/delivery").status == 403
    assert desk.page("/officer/deliveries").status == 403
    assert officer.page("/desk/returned-documents").status == 403


def test_the_delivery_migration_can_run_again_without_losing_data(app, citizen):
    delivery_id = request_delivery(citizen, document_id(app))
    with app.app_context(), models.db.connection_context():
        migrations.SchemaVersion.delete().where(migrations.SchemaVersion.version == 4).execute()
        assert migrations.upgrade() == ["0004_delivery"]
        assert Delivery.get_by_id(delivery_id).status == DeliveryStatus.RECEIVED
