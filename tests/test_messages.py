"""Messages and requests, the beneficiary's side: write, send, follow, reply, withdraw."""

import os
from datetime import timedelta

import pytest

import models
from domain.catalog import national_holidays
from domain.dates import add_working_days, today
from tests.helpers.messaging import (
    JPEG_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    REFERENCE,
    create_request,
    form_for,
    insert_request,
    make_staff,
    request_data,
    request_row,
    send_request,
    sent_reference,
)
from tests.helpers.pages import assert_well_formed
from tests.helpers.pdf import pdf_contains, pdf_text

PASSPORT_SECTIONS = [
    "معالجة الجواز السعودي وتصاريح السفر",
    "إجراءات هوية المقيم داخل المملكة",
    "تأشيرات الخروج والعودة والنهائي",
    "تأشيرات الزيارة",
]


def in_english(client):
    client.submit("/language", {"lang": "en", "next": "/"})


# --- Reaching the form ------------------------------------------------------


def test_general_services_lead_to_my_requests_and_a_new_message(citizen):
    general = citizen.page("/services/general")
    assert general.one('a[href="/messages"]').text.strip().startswith("الرسائل والطلبات")
    mine = citizen.page("/messages")
    assert mine.status == 200
    assert mine.one("h1").text == "طلباتي"
    assert mine.one('a[href="/messages/new"]').text.strip() == "رسالة جديدة"
    assert "لم ترسل أي طلب بعد" in mine.text
    assert_well_formed(mine)


def test_new_message_form_has_the_named_labels(citizen):
    page = citizen.page("/messages/new")
    assert page.status == 200
    assert_well_formed(page)
    labels = {label.text.strip() for label in page.select("label")}
    assert {"القطاع", "الخدمة", "الموضوع", "الرسالة"} <= labels
    assert page.one('#request-form button[type="submit"]:not([name])').text.strip() == "إرسال"
    show = page.one('button[name="show_services"]')
    assert show.text.strip() == "عرض الخدمات"
    assert "nojs-only" in show.parent["class"]
    # Before a sector is chosen there are no services to choose from.
    assert not page.select("#service optgroup")
    sector = page.one("#sector")
    assert sector["hx-get"] == "/messages/new/services"
    assert sector["hx-target"] == "#service"
    assert page.one("#body")["data-maxlength"] == "1000"
    assert page.one("#request-form form")["enctype"] == "multipart/form-data"


def test_new_message_form_is_well_formed_in_english(citizen):
    in_english(citizen)
    page = citizen.page("/messages/new?sector=traffic")
    assert_well_formed(page)
    assert page.one("html")["lang"] == "en"
    assert page.one('label[for="sector"]').text.strip() == "Sector"
    assert page.one('button[name="show_services"]').text.strip() == "Show services"
    assert page.soup.select_one("#service optgroup")["label"] == "Driving Licences"


# --- The sector's services, with and without JavaScript ----------------------


def test_sector_change_with_htmx_returns_only_the_sectors_options(citizen, data):
    page = citizen.page("/messages/new/services?sector=passports", htmx=True)
    assert page.status == 200
    assert "HX-Request" in page.response.headers["Vary"]
    assert page.soup.find("html") is None and page.soup.find("select") is None
    groups = [group["label"] for group in page.select("optgroup")]
    assert groups[: len(PASSPORT_SECTIONS)] == PASSPORT_SECTIONS or set(PASSPORT_SECTIONS) <= set(groups)
    offered = {option["value"] for option in page.select("optgroup option")}
    passports = models.Sector.get(models.Sector.code == "passports")
    assert offered == {service.code for service in models.Service.of_sector(passports)}
    assert "driving_license_renew" not in offered

    traffic = citizen.page("/messages/new/services?sector=traffic", htmx=True)
    offered = {option["value"] for option in traffic.select("optgroup option")}
    assert "driving_license_renew" in offered and "passport_renew" not in offered


def test_sector_change_without_htmx_shows_the_whole_form_with_what_was_typed(citizen):
    page = citizen.page("/messages/new/services?sector=passports&subject=جوازي&body=نص+الرسالة")
    assert page.status == 200
    assert "HX-Request" in page.response.headers["Vary"]
    assert_well_formed(page)
    assert page.one("#sector option[selected]")["value"] == "passports"
    assert page.one("#subject")["value"] == "جوازي"
    assert page.one("#body").text.strip() == "نص الرسالة"
    assert [g["label"] for g in page.select("#service optgroup")][:1] == [PASSPORT_SECTIONS[0]]


def test_show_services_button_fills_the_list_and_keeps_the_text(citizen):
    values = form_for(citizen, sector=None)
    values.update(sector="civil_affairs", subject="بطاقة الهوية", body="فقدت بطاقتي", show_services="1")
    page = citizen.submit("/messages/new", values)
    assert page.status == 200
    assert not page.select(".error-summary")
    assert page.one("#sector option[selected]")["value"] == "civil_affairs"
    assert page.select('#service option[value="national_id_replace"]')
    assert page.one("#subject")["value"] == "بطاقة الهوية"
    assert page.one("#body").text.strip() == "فقدت بطاقتي"
    assert models_count() == 0


def models_count():
    with models.db.connection_context():
        return models.ServiceRequest.select().count()


# --- Sending ----------------------------------------------------------------------


@pytest.mark.clock
def test_sending_gives_a_number_and_the_expected_response_date(citizen, data):
    page = send_request(citizen, service="passport_issue")
    assert page.status == 303
    reference = sent_reference(page)
    assert page.response.headers["Location"] == f"/messages/{reference}/sent"
    confirmation = citizen.page(f"/messages/{reference}/sent")
    assert_well_formed(confirmation)
    assert confirmation.one(".panel__number bdi").text == reference
    due = add_working_days(today(), 7, national_holidays())
    assert request_row(reference).due_date == due
    assert data.dual(due) in confirmation.text
    assert "المديرية العامة للجوازات" in confirmation.text
    assert "إصدار جواز سفر سعودي" in confirmation.text
    assert "جديد" in confirmation.text
    print_link = confirmation.one(f'a[href="/messages/{reference}/confirmation.pdf"]')
    assert print_link.text.strip() == "طباعة"


@pytest.mark.clock
def test_the_service_response_time_sets_the_date(citizen, data):
    reference = create_request(citizen, service="passport_loss_report")  # 3 working days
    assert request_row(reference).due_date == data.due("passport_loss_report")
    assert (request_row(reference).due_date - today()).days >= 3


def test_sending_with_htmx_redirects_the_browser(citizen):
    page = send_request(citizen, htmx=True)
    assert page.status == 204
    assert REFERENCE.search(page.response.headers["HX-Redirect"])


def test_references_are_unique_and_sequential(citizen, resident):
    first = create_request(citizen)
    second = create_request(resident, service="iqama_renew")
    assert first != second
    assert int(second[-6:]) == int(first[-6:]) + 1


def test_sending_notifies_the_beneficiary(citizen, data):
    reference = create_request(citizen)
    home = citizen.page("/")
    assert home.one(".badge").text.startswith("1")
    sms = (
        models.OutboxMessage.select()
        .where(models.OutboxMessage.recipient == "0500000008")
        .order_by(models.OutboxMessage.id.desc())
        .first()
    )
    assert reference in sms.body and "استُلم طلبك" in sms.body


# --- Bad input ----------------------------------------------------------------------

LONG_SUBJECT = "س" * 101
LONG_BODY = "ن" * 1001


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"subject": ""}, "subject", "أدخل الموضوع."),
        ({"subject": "   "}, "subject", "أدخل الموضوع."),
        ({"subject": LONG_SUBJECT}, "subject", "يجب ألا يزيد الموضوع على 100 حرف."),
        ({"body": ""}, "body", "اكتب رسالتك."),
        ({"body": LONG_BODY}, "body", "يجب ألا تزيد الرسالة على 1000 حرف."),
        ({"service": ""}, "service", "اختر الخدمة."),
        ({"service": "driving_license_renew"}, "service", "هذه الخدمة ليست من خدمات القطاع المختار"),
        ({"service": "no_such_service"}, "service", "هذه الخدمة ليست من خدمات القطاع المختار"),
        ({"sector": "", "service": "passport_renew"}, "sector", "اختر القطاع."),
        ({"sector": "no_such_sector"}, "sector", "اختر قطاعًا من القائمة."),
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_bad_input_is_explained_and_nothing_typed_is_lost(citizen, fields, field, message, htmx):
    typed = {"subject": "موضوع مكتوب", "body": "رسالة مكتوبة بعناية"}
    typed.update(fields)
    data = request_data(citizen)
    data.update(typed)
    page = citizen.submit("/messages/new", data, htmx=htmx)
    assert page.status == 422
    assert message in page.one(f"#{field}-error").text
    assert page.one(f'.error-summary a[href="#{field}"]')
    if htmx:
        assert page.soup.find("html") is None and page.one("#request-form")
    else:
        assert page.soup.title.text.startswith("خطأ:")
        assert_well_formed(page)
    if field != "subject":
        assert page.one("#subject")["value"] == typed["subject"]
    if field != "body":
        assert page.one("#body").text.strip() == typed["body"]
    if fields.get("sector", "passports") == "passports":
        assert page.one("#sector option[selected]")["value"] == "passports"
    assert models_count() == 0


def test_errors_are_in_english_on_english_pages(citizen):
    in_english(citizen)
    page = send_request(citizen, subject="")
    assert page.status == 422
    assert page.one("#subject-error").text.strip().endswith("Enter the subject.")
    assert page.soup.title.text.startswith("Error:")
    assert_well_formed(page)


@pytest.mark.parametrize(
    "tamper",
    [
        {"submission_token": ""},
        {"submission_token": "short"},
        {"service": "passport_renew'"},
        {"sector": "passports_"},
        {"sector": "' OR 1=1 --"},
        {"service": "x" * 5000},
    ],
)
def test_a_tampered_form_is_refused_clearly(citizen, tamper):
    page = send_request(citizen, **tamper)
    assert page.status == 422
    assert page.select(".error-summary li")
    assert models_count() == 0


def test_nul_in_the_chosen_codes_is_taken_out_before_they_are_read(citizen):
    page = send_request(citizen, sector="passports\x00", service="\x00passport_renew")
    assert page.status == 303
    assert models_count() == 1


def test_a_form_without_csrf_token_is_refused_without_saving(citizen):
    data = request_data(citizen)
    data.pop("csrf_token")
    page = citizen.submit("/messages/new", data, csrf=False)
    assert page.status == 400
    assert models_count() == 0


# --- Attachments ------------------------------------------------------------------


def test_attachments_are_stored_under_random_names_and_served_to_the_owner(citizen, app, data):
    page = send_request(citizen, files=[(PDF_BYTES, "تقرير.pdf"), (PNG_BYTES, "scan.png"), (JPEG_BYTES, "photo.jpeg")])
    assert page.status == 303, page.text
    reference = sent_reference(page)
    stored = list(models.Attachment.select().order_by(models.Attachment.id))
    assert [a.original_name for a in stored] == ["تقرير.pdf", "scan.png", "photo.jpeg"]
    assert [a.content_type for a in stored] == ["application/pdf", "image/png", "image/jpeg"]
    folder = app.config["UPLOAD_FOLDER"]
    for attachment in stored:
        assert attachment.original_name not in attachment.stored_name
        assert os.path.isfile(os.path.join(folder, attachment.stored_name))
        assert not attachment.stored_name.startswith(os.path.join(app.root_path, "static"))
    request_page = citizen.page(f"/messages/{reference}")
    link = request_page.select("ul.attachments a")[0]
    download = citizen.get(link["href"])
    assert download.status_code == 200
    assert download.data == PDF_BYTES
    assert download.headers["Content-Type"] == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]


def test_attachments_are_hidden_from_everyone_else(citizen, resident, agent, desk, app, make_client, data):
    reference = sent_reference(send_request(citizen, files=[(PDF_BYTES, "doc.pdf")]))
    url = citizen.page(f"/messages/{reference}").select("ul.attachments a")[0]["href"]
    assert agent.get(url).status_code == 200
    assert resident.get(url).status_code == 404
    assert desk.get(url).status_code == 404
    other_sector = make_staff(app, make_client, "traffic")
    assert other_sector.get(url).status_code == 404
    assert make_client().get(url).status_code == 302  # not signed in: to the sign-in page


@pytest.mark.parametrize(
    "files, message",
    [
        ([(b"just some text, named like a PDF", "letter.pdf")], "ليس من الأنواع المقبولة"),
        ([(b"MZ\x90\x00 executable", "photo.png")], "ليس من الأنواع المقبولة"),
        ([(b"%PDF-" + b"0" * (2 * 1024 * 1024), "big.pdf")], "أكبر من 2 ميجابايت"),
        ([(PDF_BYTES, f"{n}.pdf") for n in range(4)], "أرفق 3 ملفات على الأكثر"),
    ],
)
def test_bad_attachments_are_refused_and_must_be_selected_again(citizen, files, message, app):
    stored_before = set(os.listdir(app.config["UPLOAD_FOLDER"]))
    page = send_request(citizen, files=files)
    assert page.status == 422
    assert message in page.one("#attachments-error").text
    assert "اختر ملفاتك مرة أخرى" in page.one("#attachments-hint").text
    assert page.one("#subject")["value"] == "تجديد جواز السفر"
    assert models_count() == 0
    assert set(os.listdir(app.config["UPLOAD_FOLDER"])) == stored_before


# --- Sending twice --------------------------------------------------------------


def test_the_same_form_sent_twice_creates_one_request(citizen, data):
    data = request_data(citizen)
    first = citizen.submit("/messages/new", data)
    second = citizen.submit("/messages/new", data)
    assert first.status == second.status == 303
    assert first.response.headers["Location"] == second.response.headers["Location"]
    assert models.ServiceRequest.select().count() == 1


def test_two_submissions_racing_still_create_one_request(citizen, data, monkeypatch):
    from domain import requests as pipeline

    data = request_data(citizen)
    reference = sent_reference(citizen.submit("/messages/new", data))
    real = pipeline.already_submitted
    calls = []

    def first_look_misses(model, token, user):
        # The second submission looked before the first one had committed.
        calls.append(token)
        return None if len(calls) == 1 else real(model, token, user)

    monkeypatch.setattr(pipeline, "already_submitted", first_look_misses)
    again = citizen.submit("/messages/new", data)
    assert again.status == 303
    assert sent_reference(again) == reference
    assert models.ServiceRequest.select().count() == 1


def test_a_fresh_form_gets_a_fresh_token(citizen):
    assert form_for(citizen)["submission_token"] != form_for(citizen)["submission_token"]


# --- The printed confirmation ---------------------------------------------------------


def test_the_pdf_confirmation_reads_in_order(citizen, data):
    reference = create_request(citizen, subject="تجديد الجواز قبل السفر")
    response = citizen.get(f"/messages/{reference}/confirmation.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    text = pdf_text(response.data)
    assert pdf_contains(text, f"رقم الطلب {reference}")
    assert pdf_contains(text, "المديرية العامة للجوازات")
    assert pdf_contains(text, "تجديد جواز سفر سعودي")
    assert pdf_contains(text, "تجديد الجواز قبل السفر")
    assert pdf_contains(text, data.dual(request_row(reference).due_date))


def test_a_reprinted_confirmation_is_the_same_document_and_a_held_one_is_not_sent_again(citizen):
    reference = create_request(citizen)
    first = citizen.get(f"/messages/{reference}/confirmation.pdf")
    again = citizen.get(f"/messages/{reference}/confirmation.pdf")
    assert first.status_code == again.status_code == 200
    assert again.data == first.data
    etag = first.headers["ETag"]
    assert again.headers["ETag"] == etag
    held = citizen.get(f"/messages/{reference}/confirmation.pdf", headers={"If-None-Match": etag})
    assert held.status_code == 304
    assert held.data == b""
    assert held.headers["ETag"] == etag


def test_the_confirmation_shows_the_status_as_it_stands(citizen, agent):
    reference = create_request(citizen)
    first = citizen.get(f"/messages/{reference}/confirmation.pdf")
    assert pdf_contains(pdf_text(first.data), "الحالة جديد")
    page = agent.page(f"/sector/requests/{reference}")
    values = page.form_values(page.one('form[action$="/status"]'))
    values.update(status=models.RequestStatus.CLOSED, note="")
    assert agent.submit(f"/sector/requests/{reference}/status", values).status == 303
    after = citizen.get(f"/messages/{reference}/confirmation.pdf", headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != first.headers["ETag"]
    text = pdf_text(after.data)
    assert pdf_contains(text, "الحالة مغلق") and not pdf_contains(text, "الحالة جديد")


def test_the_confirmation_speaks_the_page_language(citizen):
    reference = create_request(citizen)
    arabic = citizen.get(f"/messages/{reference}/confirmation.pdf")
    in_english(citizen)
    english = citizen.get(f"/messages/{reference}/confirmation.pdf", headers={"If-None-Match": arabic.headers["ETag"]})
    assert english.status_code == 200
    text = pdf_text(english.data)
    assert pdf_contains(text, f"Request number {reference}") and pdf_contains(text, "Status New")
    assert pdf_contains(text, "General Directorate of Passports") and pdf_contains(text, "Printed on")
    assert not pdf_contains(text, "رقم الطلب")
    # Each language has its own kept copy: the Arabic one is still sent as it was.
    assert english.headers["ETag"] != arabic.headers["ETag"]
    citizen.submit("/language", {"lang": "ar", "next": "/"})
    again = citizen.get(f"/messages/{reference}/confirmation.pdf")
    assert again.data == arabic.data and again.headers["ETag"] == arabic.headers["ETag"]
    with citizen.application.app_context(), models.db.connection_context():
        kept = models.RequestConfirmation.select().join(models.ServiceRequest)
        assert sorted(row.lang for row in kept.where(models.ServiceRequest.reference == reference)) == ["ar", "en"]


# --- «طلباتي» ----------------------------------------------------------------------


def test_my_requests_lists_newest_first_with_number_service_status_and_dates(citizen, data):
    older = create_request(citizen, service="passport_renew", subject="الأول")
    newer = create_request(citizen, service="iqama_renew", subject="الثاني")
    models.ServiceRequest.update(created_at=models.utcnow() - timedelta(hours=1)).where(
        models.ServiceRequest.reference == older
    ).execute()
    page = citizen.page("/messages")
    rows = page.select("tbody tr")
    assert [row.select_one("bdi").text for row in rows] == [newer, older]
    first = " ".join(rows[0].get_text(" ").split())
    assert "تجديد هوية مقيم" in first and "جديد" in first
    assert data.dual(request_row(newer).due_date) in first
    assert_well_formed(page)


def test_my_requests_filters_by_status_and_pages(citizen, data):
    user = models.User.get(models.User.national_id == "1000000008")
    for n in range(12):
        insert_request(user, "passport_renew", today() + timedelta(days=n), subject=f"طلب {n}")
    insert_request(user, "passport_renew", today(), status=models.RequestStatus.CLOSED, subject="منتهٍ")
    first = citizen.page("/messages")
    assert len(first.select("tbody tr")) == 10
    assert first.one('a[rel="next"]')["href"] == "/messages?page=2"
    second = citizen.page("/messages?page=2")
    assert len(second.select("tbody tr")) == 3
    closed = citizen.page("/messages?status=closed")
    assert [row.select("td")[2].text for row in closed.select("tbody tr")] == ["منتهٍ"]
    assert closed.one('.tabs a[aria-current="page"]').text == "مغلق"
    assert citizen.page("/messages?status=withdrawn").select("tbody tr") == []


def test_my_requests_show_only_my_own(citizen, resident):
    create_request(resident, service="iqama_renew", subject="طلب المقيم")
    assert "طلب المقيم" not in citizen.page("/messages").text


# --- The request page: reply and withdraw ---------------------------------------------


def test_reply_without_javascript_posts_and_comes_back(citizen):
    reference = create_request(citizen)
    page = citizen.submit(f"/messages/{reference}/reply", {"body": "أضيف أن الجواز منتهٍ منذ شهر"})
    assert page.status == 303
    assert page.response.headers["Location"] == f"/messages/{reference}#thread"
    request_page = citizen.page(f"/messages/{reference}")
    assert "أضيف أن الجواز منتهٍ منذ شهر" in request_page.one(".timeline").text
    assert_well_formed(request_page)


def test_the_agent_who_took_the_request_is_told_of_a_reply(citizen, agent):
    reference = create_request(citizen)
    take_form = agent.page(f"/sector/requests/{reference}").one(f'form[action="/sector/requests/{reference}/take"]')
    agent.submit(take_form["action"], {"version": take_form.select_one("input[name=version]")["value"]})
    citizen.submit(f"/messages/{reference}/reply", {"body": "أرفقت الصورة المطلوبة"})
    notifications = agent.page("/notifications")
    assert reference in notifications.text
    assert notifications.one(f'a[href="/sector/requests/{reference}"]')


def test_reply_with_htmx_rerenders_the_conversation_in_place(citizen):
    reference = create_request(citizen)
    page = citizen.submit(f"/messages/{reference}/reply", {"body": "رد سريع"}, htmx=True)
    assert page.status == 200
    assert page.soup.find("html") is None
    assert page.one("#thread .timeline").text.count("رد سريع") == 1
    assert page.one("#thread #body").text.strip() == ""
    assert "HX-Request" in page.response.headers["Vary"]


def test_an_empty_reply_is_explained(citizen):
    reference = create_request(citizen)
    page = citizen.submit(f"/messages/{reference}/reply", {"body": " "}, htmx=True)
    assert page.status == 422
    assert "اكتب ردك." in page.one("#body-error").text
    page = citizen.submit(f"/messages/{reference}/reply", {"body": ""})
    assert page.status == 422
    assert_well_formed(page)


def test_withdrawing_asks_first_then_closes_the_request(citizen, data):
    reference = create_request(citizen)
    request_page = citizen.page(f"/messages/{reference}")
    confirm_url = request_page.one(f'a[href="/messages/{reference}/withdraw"]')["href"]
    confirm = citizen.page(confirm_url)
    assert_well_formed(confirm)
    assert request_row(reference).status == "new"
    assert confirm.one('#main form button[type="submit"]').text.strip() == "نعم، اسحبه"
    page = citizen.submit(confirm_url)
    assert page.status == 303
    after = citizen.page(f"/messages/{reference}")
    assert after.one(".summary .status").text == "مسحوب"
    assert not after.select("#body")
    assert "سحب الطلب." in after.one(".timeline").text
    late = citizen.submit(f"/messages/{reference}/reply", {"body": "متأخر"})
    assert late.status == 409
    assert "انتهى هذا الطلب" in late.text
    assert "مسحوب" in citizen.page("/messages").one("tbody").text


def test_branch_visit_shows_book_an_appointment(citizen, data):
    reference = create_request(citizen)
    assert "حجز موعد" not in citizen.page(f"/messages/{reference}").text
    models.ServiceRequest.update(status=models.RequestStatus.NEEDS_VISIT).where(
        models.ServiceRequest.reference == reference
    ).execute()
    page = citizen.page(f"/messages/{reference}")
    link = page.one(f'a[href="/appointments/book?request={reference}"]')
    assert link.text.strip() == "حجز موعد"
    assert "يتطلب زيارة الفرع" in page.one(".summary").text
    assert citizen.page(link["href"]).status == 200


# --- Someone else's request -------------------------------------------------------------


@pytest.mark.parametrize(
    "suffix, method",
    [
        ("", "get"),
        ("/sent", "get"),
        ("/confirmation.pdf", "get"),
        ("/withdraw", "get"),
        ("/reply", "post"),
        ("/withdraw", "post"),
    ],
)
def test_another_beneficiarys_request_does_not_exist(citizen, resident, suffix, method):
    reference = create_request(citizen)
    url = f"/messages/{reference}{suffix}"
    page = resident.page(url) if method == "get" else resident.submit(url, {"body": "تطفل"})
    assert page.status == 404
    assert "غير موجودة" in page.text or "ليست لك" in page.text
    assert request_row_status(reference) == "new"


def request_row_status(reference):
    with models.db.connection_context():
        row = request_row(reference)
        return row.status if not row.events.count() else "changed"


@pytest.mark.parametrize("reference", ["M1448-999999", "M1448-00000%00", "x' OR '1'='1", "m1448-000001"])
def test_unknown_or_malformed_reference_is_404(citizen, agent, reference):
    create_request(citizen)
    assert citizen.page(f"/messages/{reference}").status == 404
    assert agent.page(f"/sector/requests/{reference}").status == 404
    assert citizen.page(f"/messages/{reference}/attachments/1").status == 404


def test_control_characters_in_text_are_dropped_not_an_error(citizen, data):
    reference = create_request(citizen, subject="موضوع\x00", body="نص\x00 الرسالة")
    assert (request_row(reference).subject, request_row(reference).body) == ("موضوع", "نص الرسالة")


def test_staff_cannot_send_requests(agent):
    assert agent.page("/messages/new").status == 403
