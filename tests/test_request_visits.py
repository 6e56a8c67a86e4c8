"""A request and its branch visit as one case: asked for, booked from the link, shown on the
request pages, attended or missed at the desk on the visit's own day and time, then closed.

The desk's windows follow the visit's time, so these tests run at a fixed morning
(``visit_morning``: 08:00 in Riyadh on an open day) and move the clock from there.
"""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import models
from domain import appointments as booking
from domain.dates import today
from tests.helpers.appointments import NORTH, booked_today, branch, in_db
from tests.helpers.messaging import create_request, insert_request, make_staff, request_row
from tests.helpers.pages import assert_well_formed
from tests.helpers.pdf import pdf_contains
from tests.test_appointments_desk import other_desk

S = models.RequestStatus
SECTOR_STAFF = "موظف المديرية العامة للجوازات"
AGENT_NAME = "نورة سعد القحطاني"
DESK_NAME = "فهد علي الشمري"


def form_values(page, action):
    form = page.one(f'form[action$="/{action}"]')
    return page.form_values(form)


def ask_for_visit(citizen, agent, branch_code=NORTH, take=True):
    """A request sent by the citizen, taken by the agent and moved to «يتطلب زيارة الفرع» at a branch."""
    reference = create_request(citizen)
    if take:
        agent.submit(
            f"/sector/requests/{reference}/take", form_values(agent.page(f"/sector/requests/{reference}"), "take")
        )
    values = form_values(agent.page(f"/sector/requests/{reference}"), "status")
    values.update(status=S.NEEDS_VISIT, visit_branch=branch_code)
    assert agent.submit(f"/sector/requests/{reference}/status", values).status == 303
    return reference


def latest_notification(national_id):
    return (
        models.Notification.select()
        .join(models.User)
        .where(models.User.national_id == national_id)
        .order_by(models.Notification.id.desc())
        .first()
    )


def book_from(citizen, url):
    """Book the first free day and time the booking link offers; return the appointment's page."""
    page = citizen.page(url)
    assert page.status == 200, page.text
    day = page.select('#date-group input[name="date"]:not([disabled])')[0]["value"]
    page = citizen.page(f"{url}&date={day}")
    start = page.select('#time-group input[name="time"]:not([disabled])')[0]["value"]
    review = citizen.page(f"{url}&date={day}&time={start}&review=1")
    assert review.status == 200, review.text
    done = citizen.submit("/appointments/book", review.form_values('main form[action="/appointments/book"]'))
    assert done.status == 303, done.text
    return done.response.headers["Location"].rsplit("/", 1)[-1]


def request_appointment(reference):
    return models.Appointment.get(models.Appointment.request == request_row(reference))


def strong_texts(page):
    return [li.select_one("strong").get_text(" ", strip=True) for li in page.select(".timeline > li")]


# --- The case from the request to the booking -----------------------------------------


def test_the_visit_is_asked_booked_from_the_link_and_shown_on_both_pages(visit_morning, citizen, agent, in_app):
    reference = ask_for_visit(citizen, agent)
    # The beneficiary's notification is the booking link, at the suggested branch, with the request.
    link = in_app(lambda: latest_notification("1000000008").link)
    assert urlsplit(link).path == "/appointments/book"
    assert parse_qs(urlsplit(link).query) == {"request": [reference], "region": ["riyadh"], "branch": [NORTH]}
    page = citizen.page(f"/messages/{reference}")
    assert page.one(f'#visit a[href="{link}"]').text == "حجز موعد"
    assert "الفرع المقترح: جوازات شمال الرياض" in page.one("#visit").text
    # The link opens straight at the branch's days, the request attached.
    booking = citizen.page(link)
    assert booking.select('#date-group input[name="date"]')
    assert reference in booking.text

    number = book_from(citizen, link)
    visit = in_app(lambda: request_appointment(reference))
    assert visit.number == number and visit.branch.code == NORTH
    assert citizen.page(f"/appointments/{number}").one(f'main a[href="/messages/{reference}"]')
    told = in_app(lambda: latest_notification("1000000016"))
    assert told.text_ar == f"حجز المستفيد الزيارة {number} للطلب {reference}."
    assert told.link == f"/sector/requests/{reference}"

    page = citizen.page(f"/messages/{reference}")
    assert_well_formed(page)
    panel = page.one("#visit")
    assert number in panel.text and "جوازات شمال الرياض" in panel.text and visit.start in panel.text
    assert panel.select_one(f'a[href="/appointments/{number}/slip.pdf"]')
    assert not page.select('a[href^="/appointments/book"]')
    # One timeline: sent, taken, visit asked, visit booked; roles, never a staff name.
    assert strong_texts(page) == ["أنت", SECTOR_STAFF, SECTOR_STAFF, "أنت"]
    entries = page.select(".timeline > li")
    assert "أرسل الطلب." in entries[0].text
    assert "طلب زيارة الفرع." in entries[2].text and "جوازات شمال الرياض" in entries[2].text
    assert f"حجز الزيارة {number}" in entries[3].text and "جوازات شمال الرياض" in entries[3].text
    assert entries[3].select_one(f'a[href="/appointments/{number}/slip.pdf"]')
    assert [entry["class"][-1] for entry in entries] == [
        "timeline__entry--beneficiary",
        "timeline__entry--staff",
        "timeline__entry--staff",
        "timeline__entry--beneficiary",
    ]
    assert AGENT_NAME not in page.text

    # The agent sees the booking on the request, in the same timeline.
    workspace = agent.page(f"/sector/requests/{reference}")
    assert_well_formed(workspace)
    assert number in workspace.one("#visit").text and "مؤكد" in workspace.one("#visit").text
    assert f"حجز الزيارة {number}" in workspace.one(".timeline").text
    assert AGENT_NAME in workspace.one(".timeline").text


def test_the_suggested_branch_defaults_to_the_beneficiarys_region(citizen, agent, in_app):
    def save_dammam_address():
        dammam = models.City.get(models.City.code == "dammam")
        citizen_user = models.User.get(models.User.national_id == "1000000008")
        models.SavedAddress.create(
            user=citizen_user,
            short_address="DAMM1234",
            building_number="1234",
            street="شارع الملك فهد",
            district="الشاطئ",
            city=dammam,
            postal_code="32413",
            additional_number="5678",
            mobile="0500000008",
        )

    in_app(save_dammam_address)
    reference = create_request(citizen)
    page = agent.page(f"/sector/requests/{reference}")
    selected = page.one("#visit_branch option[selected]")
    assert selected["value"] == "passports_dammam"
    assert page.one("#reply_branch option[selected]")["value"] == "passports_dammam"
    # Every branch that gives the service is offered, and «let the beneficiary choose».
    values = [option["value"] for option in page.select("#visit_branch option")]
    assert values[0] == "" and NORTH in values and "passports_riyadh_south_evening" not in values


def test_an_unknown_branch_is_refused_and_nothing_changes(citizen, agent, in_app):
    reference = create_request(citizen)
    values = form_values(agent.page(f"/sector/requests/{reference}"), "status")
    values.update(status=S.NEEDS_VISIT, visit_branch="passports_riyadh_south_evening", note="احضر")
    page = agent.submit(f"/sector/requests/{reference}/status", values)
    assert page.status == 422
    assert "اختر فرعًا من القائمة." in page.one("#visit_branch-group .field-error").text
    assert page.one("#note").text.strip() == "احضر"
    row = in_app(lambda: request_row(reference))
    assert row.status == S.NEW and row.visit_branch_id is None


def test_a_visit_asked_in_a_reply_without_a_branch_lets_the_beneficiary_choose(citizen, agent, in_app):
    reference = create_request(citizen)
    values = form_values(agent.page(f"/sector/requests/{reference}"), "reply")
    values.update(body="نحتاج حضورك", reply_status=S.NEEDS_VISIT, reply_branch="")
    assert agent.submit(f"/sector/requests/{reference}/reply", values).status == 303
    assert in_app(lambda: latest_notification("1000000008").link) == f"/appointments/book?request={reference}"
    page = citizen.page(f"/messages/{reference}")
    assert page.one(f'#visit a[href="/appointments/book?request={reference}"]')


def test_cancelling_the_visit_brings_the_button_back_and_moving_it_is_in_the_timeline(
    visit_morning, citizen, agent, in_app
):
    reference = ask_for_visit(citizen, agent)
    link = in_app(lambda: latest_notification("1000000008").link)
    number = book_from(citizen, link)
    visit = in_app(lambda: request_appointment(reference))
    later = in_app(lambda: [day for day in booking.open_days(branch(NORTH)) if day > visit.date][1])
    change = citizen.page(f"/appointments/{number}/change?date={later.isoformat()}")
    start = change.select('#time-group input[name="time"]:not([disabled])')[0]["value"]
    moved = citizen.submit(f"/appointments/{number}/change", {"date": later.isoformat(), "time": start, "confirm": "1"})
    assert moved.status == 303, moved.text
    page = citizen.page(f"/messages/{reference}")
    assert f"نقل الزيارة {number}" in page.select(".timeline > li")[-1].text
    assert start in page.one("#visit").text

    assert citizen.submit(f"/appointments/{number}/cancel").status == 303
    assert (
        in_app(lambda: latest_notification("1000000016").text_ar)
        == f"ألغى المستفيد الزيارة {number} للطلب {reference}."
    )
    page = citizen.page(f"/messages/{reference}")
    assert f"ألغى الزيارة {number}" in page.select(".timeline > li")[-1].text
    assert page.one("#visit").select_one(f'a[href="{link}"]').text == "حجز موعد"
    assert not page.select("#visit dl")
    # Booking again from the button works: no «لديك موعد قائم».
    assert book_from(citizen, link) != number


# --- The desk's outcome ----------------------------------------------------------------


def visit_today(in_app, reference, start):
    """A visit for the request today at the desk's branch, booked directly."""
    return in_app(
        lambda: booked_today(in_db(lambda: request_row(reference).user), start, request=request_row(reference))
    )


def test_attended_opens_some_minutes_before_and_tells_the_agent(
    visit_morning, citizen, agent, desk, make_client, in_app
):
    reference = ask_for_visit(citizen, agent)
    early = visit_today(in_app, reference, "09:00")
    url = f"/desk/appointments/{early.number}/attendance"
    page = desk.page(f"/desk/appointments/{early.number}")
    assert_well_formed(page)
    assert "«حضر» من الساعة 08:30؛ «لم يحضر» من الساعة 09:15." in page.one(f"#row-{early.number}").text
    refused = desk.submit(url, {**page.form_values(f"#row-{early.number} form"), "attended": "yes"}, htmx=True)
    assert refused.status == 422
    assert "يمكن تسجيل «حضر» من الساعة 08:30." in refused.one(".field-error").text
    assert in_app(lambda: models.Appointment.get_by_id(early.id).status) == "confirmed"

    visit_morning.shift(25 * 60)  # 08:25: still too early; 08:35: open
    assert desk.submit(url, {"attended": "yes"}).status == 422
    visit_morning.shift(10 * 60)
    page = desk.page(f"/desk/appointments/{early.number}")
    values = page.form_values(f"#row-{early.number} form")
    values.update(attended="yes", note="أحضر الجواز التالف وسُلّم للقسم")
    row = desk.submit(url, values, htmx=True)
    assert row.status == 200 and "حضر" in row.one(".status").text
    assert in_app(lambda: models.Appointment.get_by_id(early.id).status) == "attended"

    note = in_app(lambda: latest_notification("1000000016"))
    assert early.number in note.text_ar and reference in note.text_ar and "حضر" in note.text_ar
    assert note.link == f"/sector/requests/{reference}"
    agent = make_client("agent")  # the first session has been idle past the staff's limit
    workspace = agent.page(f"/sector/requests/{reference}")
    timeline = workspace.one(".timeline")
    assert f"سجّل حضور الزيارة {early.number}" in timeline.text
    assert "مكتب الفرع" in timeline.text and DESK_NAME in timeline.text
    internal = workspace.one(".timeline__entry--internal")
    assert "أحضر الجواز التالف" in internal.text and "للموظفين فقط" in internal.text
    # The beneficiary sees the outcome by role, never the desk's note or name.
    page = citizen.page(f"/messages/{reference}")
    assert f"سجّل حضور الزيارة {early.number}" in page.one(".timeline").text
    assert "مكتب الفرع" in page.one(".timeline").text
    assert "أحضر الجواز التالف" not in page.text and DESK_NAME not in page.text
    assert "حضر" in page.one("#visit .status").text and not page.select('a[href^="/appointments/book"]')
    assert "أحضر الجواز التالف" not in in_app(lambda: latest_notification("1000000008").text_ar)


def test_did_not_attend_waits_for_the_slot_to_end_then_offers_a_new_booking(
    visit_morning, citizen, agent, desk, in_app
):
    reference = ask_for_visit(citizen, agent)
    visit = visit_today(in_app, reference, "08:00")
    url = f"/desk/appointments/{visit.number}/attendance"
    refused = desk.submit(url, {"attended": "no"}, htmx=True)
    assert refused.status == 422
    assert "يمكن تسجيل «لم يحضر» بعد انتهاء وقت الموعد، من الساعة 08:15." in refused.one(".field-error").text
    visit_morning.shift(16 * 60)
    assert desk.submit(url, {"attended": "no", "next": "/desk"}).status == 303
    assert in_app(lambda: models.Appointment.get_by_id(visit.id).status) == "no_show"

    told = in_app(lambda: latest_notification("1000000008"))
    assert told.text_ar == f"لم تحضر الموعد {visit.number}. يمكنك حجز موعد جديد من هذا الإشعار."
    assert parse_qs(urlsplit(told.link).query) == {"request": [reference], "region": ["riyadh"], "branch": [NORTH]}
    assert "لم يحضر" in in_app(lambda: latest_notification("1000000016").text_ar)
    page = citizen.page(f"/messages/{reference}")
    assert "لم تحضر الزيارة المحجوزة لهذا الطلب" in page.one("#visit").text
    assert page.one("#visit a.button").text == "حجز موعد"
    assert f"سجّل عدم الحضور للزيارة {visit.number}" in page.one(".timeline").text


def test_changing_an_outcome_needs_a_reason_and_is_kept(visit_morning, citizen, agent, desk, in_app):
    reference = ask_for_visit(citizen, agent)
    visit = visit_today(in_app, reference, "07:45")
    url = f"/desk/appointments/{visit.number}/attendance"
    assert desk.submit(url, {"attended": "no"}).status == 303
    page = desk.page(f"/desk/appointments/{visit.number}")
    values = page.form_values(f"#row-{visit.number} form")
    assert "reason" in values
    refused = desk.submit(url, {**values, "attended": "yes", "note": "ملاحظة"})
    assert refused.status == 422
    assert "اذكر سبب تغيير النتيجة المسجلة." in refused.text
    assert refused.one(f"#note-{visit.number}").text == "ملاحظة"  # what was typed stays
    too_long = desk.submit(url, {**values, "attended": "yes", "reason": "س" * 201})
    assert too_long.status == 422 and "يجب ألا يزيد السبب على 200 حرف." in too_long.text
    long_note = desk.submit(url, {**values, "attended": "yes", "reason": "خطأ", "note": "م" * 301})
    assert long_note.status == 422 and "يجب ألا تزيد الملاحظة على 300 حرف." in long_note.text
    assert in_app(lambda: models.Appointment.get_by_id(visit.id).status) == "no_show"

    done = desk.submit(url, {**values, "attended": "yes", "reason": "وصل متأخرًا وسُجّل بالخطأ"})
    assert done.status == 303
    assert in_app(lambda: models.Appointment.get_by_id(visit.id).status) == "attended"
    workspace = agent.page(f"/sector/requests/{reference}")
    entries = workspace.select(".timeline > li")
    assert f"سجّل عدم الحضور للزيارة {visit.number}" in entries[-2].text
    assert f"سجّل حضور الزيارة {visit.number}" in entries[-1].text
    assert "وصل متأخرًا وسُجّل بالخطأ" in entries[-1].text
    # The reason stays with staff.
    assert "وصل متأخرًا" not in citizen.page(f"/messages/{reference}").text


def test_two_desks_at_once_get_a_conflict(visit_morning, citizen, agent, desk, make_client, in_app):
    reference = ask_for_visit(citizen, agent)
    visit = visit_today(in_app, reference, "08:00")
    second = make_client("desk")
    url = f"/desk/appointments/{visit.number}/attendance"
    mine = desk.page(f"/desk/appointments/{visit.number}").form_values(f"#row-{visit.number} form")
    theirs = second.page(f"/desk/appointments/{visit.number}").form_values(f"#row-{visit.number} form")
    assert desk.submit(url, {**mine, "attended": "yes"}, htmx=True).status == 200
    clash = second.submit(url, {**theirs, "attended": "yes", "note": "ملاحظة ثانية"}, htmx=True)
    assert clash.status == 409
    assert "سجّل موظف آخر نتيجة هذه الزيارة في الأثناء" in clash.one(".field-error").text
    assert "حضر" in clash.one(".status").text
    assert in_app(lambda: models.RequestEvent.select().where(models.RequestEvent.kind == "note").count()) == 0


def test_outcome_only_on_the_visits_day(visit_morning, citizen, agent, desk, in_app):
    reference = ask_for_visit(citizen, agent)
    visit = visit_today(in_app, reference, "08:00")
    yesterday = in_app(
        lambda: (
            models.Appointment.update(date=today() - timedelta(days=1))
            .where(models.Appointment.id == visit.id)
            .execute()
        )
    )
    assert yesterday == 1
    page = desk.submit(f"/desk/appointments/{visit.number}/attendance", {"attended": "yes"}, htmx=True)
    assert page.status == 422 and "تُسجّل نتيجة هذه الزيارة في يومها" in page.one(".field-error").text
    assert in_app(lambda: models.Appointment.get_by_id(visit.id).status) == "confirmed"


def test_a_desk_of_another_branch_and_an_agent_of_another_sector_get_404(
    visit_morning, app, citizen, agent, make_client, in_app
):
    reference = ask_for_visit(citizen, agent)
    visit = visit_today(in_app, reference, "08:00")
    malaz = other_desk(app)
    assert malaz.submit(f"/desk/appointments/{visit.number}/attendance", {"attended": "yes"}).status == 404
    traffic = make_staff(app, make_client, "traffic")
    assert traffic.get(f"/sector/requests/{reference}").status_code == 404
    assert traffic.submit(f"/sector/requests/{reference}/notes", {"internal_note": "x"}).status == 404
    assert in_app(lambda: models.Appointment.get_by_id(visit.id).status) == "confirmed"


# --- After the visit -------------------------------------------------------------------


def test_after_the_visit_the_agent_closes_or_continues(visit_morning, citizen, agent, desk, in_app):
    reference = ask_for_visit(citizen, agent)
    visit = visit_today(in_app, reference, "08:00")
    page = agent.page(f"/sector/requests/{reference}")
    assert "مؤكد" in page.one("#visit .status").text and not page.select("#visit form")
    desk.submit(f"/desk/appointments/{visit.number}/attendance", {"attended": "yes"})
    page = agent.page(f"/sector/requests/{reference}")
    buttons = [button.text for button in page.select("#visit form button")]
    assert buttons == ["إغلاق الطلب", "متابعة المحادثة"]
    forms = page.select("#visit form")
    continued = agent.submit(forms[1]["action"], page.form_values(forms[1]), htmx=True)
    assert continued.status == 200 and "قيد المعالجة" in continued.one("#status-heading .status").text
    assert in_app(lambda: request_row(reference).status) == S.IN_PROGRESS
    assert not continued.select("#visit form")


def test_closing_after_the_visit_without_javascript(visit_morning, citizen, agent, desk, in_app):
    reference = ask_for_visit(citizen, agent)
    visit = visit_today(in_app, reference, "08:00")
    desk.submit(f"/desk/appointments/{visit.number}/attendance", {"attended": "yes"})
    page = agent.page(f"/sector/requests/{reference}")
    close = page.select("#visit form")[0]
    assert agent.submit(close["action"], page.form_values(close)).status == 303
    assert in_app(lambda: request_row(reference).status) == S.CLOSED
    assert "تغيرت الحالة إلى «مغلق»" in citizen.page(f"/messages/{reference}").select(".timeline > li")[-1].text


# --- Internal notes --------------------------------------------------------------------


def test_internal_notes_stay_with_staff(citizen, agent, in_app):
    reference = create_request(citizen)
    sms_before = in_app(lambda: models.OutboxMessage.select().count())
    page = agent.page(f"/sector/requests/{reference}")
    values = form_values(page, "notes")
    values["internal_note"] = "المستفيد اتصل هاتفيًا"
    assert agent.submit(f"/sector/requests/{reference}/notes", values).status == 303
    workspace = agent.page(f"/sector/requests/{reference}")
    assert "المستفيد اتصل هاتفيًا" in workspace.one(".timeline__entry--internal").text
    assert in_app(lambda: models.OutboxMessage.select().count()) == sms_before
    mine = citizen.page(f"/messages/{reference}")
    assert "المستفيد اتصل هاتفيًا" not in mine.text
    pdf = citizen.get(f"/messages/{reference}/confirmation.pdf")
    assert pdf.status_code == 200
    assert not pdf_contains(pdf.data, "المستفيد اتصل هاتفيًا")
    audit = in_app(lambda: [e.action for e in models.AuditEntry.select().where(models.AuditEntry.subject == reference)])
    assert "request.note" in audit


def test_a_note_over_length_or_empty_is_refused_and_kept(citizen, agent, in_app):
    reference = create_request(citizen)
    values = form_values(agent.page(f"/sector/requests/{reference}"), "notes")
    too_long = agent.submit(f"/sector/requests/{reference}/notes", {**values, "internal_note": "ن" * 501}, htmx=True)
    assert too_long.status == 422
    assert "يجب ألا تزيد الملاحظة على 500 حرف." in too_long.one("#internal_note-group .field-error").text
    assert too_long.one("#internal_note").text.strip() == "ن" * 501
    empty = agent.submit(f"/sector/requests/{reference}/notes", {**values, "internal_note": "  "})
    assert empty.status == 422 and "اكتب الملاحظة." in empty.text
    assert in_app(lambda: models.RequestEvent.select().where(models.RequestEvent.kind == "note").count()) == 0


def test_case_pages_in_english(visit_morning, citizen, agent, desk, in_app):
    reference = ask_for_visit(citizen, agent)
    visit = visit_today(in_app, reference, "08:00")
    for client in (citizen, agent, desk):
        client.submit("/language", {"lang": "en", "next": "/"})
    for client, url in (
        (citizen, f"/messages/{reference}"),
        (agent, f"/sector/requests/{reference}"),
        (desk, f"/desk/appointments/{visit.number}"),
    ):
        page = client.page(url)
        assert page.status == 200 and page.soup.find("html")["lang"] == "en"
        assert_well_formed(page)
    assert "General Directorate of Passports staff" in citizen.page(f"/messages/{reference}").one(".timeline").text


# --- Queues ----------------------------------------------------------------------------


def queue_count(page, key):
    return page.one(f"#queue-{key} .count").get_text(strip=True)


def queue_references(agent, key):
    page = agent.page(f"/sector/inbox?queue={key}")
    assert page.status == 200
    return {a.get_text(strip=True) for a in page.select("tbody a")}


def test_queues_with_their_counts(citizen, agent, in_app):
    mine = create_request(citizen, subject="طلبي")
    nobodys = create_request(citizen, subject="بلا موظف")
    waiting = ask_for_visit(citizen, agent)
    late = in_app(
        lambda: (
            insert_request(
                request_row(nobodys).user_id, "passport_renew", today() - timedelta(days=3), subject="متأخر"
            ).reference
        )
    )
    agent.submit(f"/sector/requests/{mine}/take", form_values(agent.page(f"/sector/requests/{mine}"), "take"))
    page = agent.page("/sector/inbox")
    assert_well_formed(page)
    assert [a.get_text(" ", strip=True).split(" (")[0] for a in page.select(".queues a")] == [
        "كل الطلبات المفتوحة",
        "طلباتي",
        "غير مسندة",
        "متأخر",
        "بانتظار المستفيد",
    ]
    assert queue_count(page, "mine") == "(2)"  # the one taken, and the one asked for a visit
    assert queue_count(page, "unassigned") == "(2)"
    assert queue_count(page, "overdue") == "(1)"
    assert queue_count(page, "waiting") == "(1)"
    assert queue_references(agent, "mine") == {mine, waiting}
    assert queue_references(agent, "unassigned") == {nobodys, late}
    assert queue_references(agent, "overdue") == {late}
    assert queue_references(agent, "waiting") == {waiting}
    assert agent.page("/sector/inbox?queue=mine").one('#queue-mine[aria-current="page"]')
    # An unknown queue is the whole inbox.
    assert queue_references(agent, "nonsense") == {mine, nobodys, waiting, late}
    # Another agent's «طلباتي» is their own.
    other = make_staff(agent.application, lambda: agent.application.test_client(), "passports")
    assert queue_references(other, "mine") == set()


def test_a_second_ask_after_an_attended_visit_offers_a_new_booking(visit_morning, citizen, agent, desk, in_app):
    reference = ask_for_visit(citizen, agent)
    visit = visit_today(in_app, reference, "08:00")
    desk.submit(f"/desk/appointments/{visit.number}/attendance", {"attended": "yes"})
    page = agent.page(f"/sector/requests/{reference}")
    again = page.select("#visit form")[1]
    agent.submit(again["action"], page.form_values(again))
    values = form_values(agent.page(f"/sector/requests/{reference}"), "status")
    values.update(status=S.NEEDS_VISIT, visit_branch="passports_riyadh_malaz")
    assert agent.submit(f"/sector/requests/{reference}/status", values).status == 303
    page = citizen.page(f"/messages/{reference}")
    button = page.one("#visit a.button")
    assert button.text == "حجز موعد" and "branch=passports_riyadh_malaz" in button["href"]
