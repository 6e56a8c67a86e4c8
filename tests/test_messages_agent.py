"""Messages and requests, the sector's side: the inbox, take, reply, status, conflicts."""

from datetime import timedelta

import pytest

import models
from domain.dates import today
from tests.helpers.messaging import (
    PDF_BYTES,
    create_request,
    insert_request,
    make_staff,
    request_row,
    send_request,
    sent_reference,
)
from tests.helpers.pages import assert_well_formed

S = models.RequestStatus


def citizen_user():
    return models.User.get(models.User.national_id == "1000000008")


def workspace_values(page, action):
    """The values of one of the agent's forms (take, status, reply) as the page shows them."""
    form = page.one(f'form[action$="/{action}"]')
    return page.form_values(form)


def last_sms(phone):
    return (
        models.OutboxMessage.select()
        .where((models.OutboxMessage.recipient == phone) & (models.OutboxMessage.channel == "sms"))
        .order_by(models.OutboxMessage.id.desc())
        .first()
        .body
    )


# --- The inbox ----------------------------------------------------------------------


def test_inbox_shows_only_the_agents_sector(citizen, agent, data):
    passports = create_request(citizen, subject="طلب للجوازات")
    create_request(citizen, sector="traffic", service="driving_license_renew", subject="طلب للمرور")
    page = agent.page("/sector/inbox")
    assert page.status == 200
    assert page.one("h1").text == "الطلبات الواردة"
    assert "المديرية العامة للجوازات" in page.text
    assert "طلب للجوازات" in page.text and "طلب للمرور" not in page.text
    assert page.one(f'a[href="/sector/requests/{passports}"]')
    assert_well_formed(page)


def test_inbox_is_oldest_deadline_first_with_keyset_pages(agent, data):
    user = citizen_user()
    rows = [insert_request(user, "passport_renew", today() + timedelta(days=n % 9), subject=f"ط{n}") for n in range(25)]
    expected = sorted(rows, key=lambda row: (row.due_date, row.id))
    first = agent.page("/sector/inbox")
    first_refs = [a.text for a in first.select("tbody td:first-child bdi")]
    assert first_refs == [row.reference for row in expected[:20]]
    next_link = first.one('a[rel="next"]')["href"]
    last = expected[19]
    assert next_link == f"/sector/inbox?after={last.due_date.isoformat()}.{last.id}"
    # A request that arrives meanwhile with an earlier deadline does not shift the next page.
    insert_request(user, "passport_renew", today() - timedelta(days=1), subject="وصل للتو")
    second = agent.page(next_link)
    assert [a.text for a in second.select("tbody td:first-child bdi")] == [row.reference for row in expected[20:]]
    assert not second.select('a[rel="next"]')
    assert second.one(".pagination a").text == "الصفحة الأولى"
    assert_well_formed(second)


def test_a_malformed_cursor_shows_the_first_page(agent, data):
    insert_request(citizen_user(), "passport_renew", today())
    for bad in ("x", "2026-99-99.1", "2026-01-01.abc", "2026-01-01.99999999999999999999999"):
        page = agent.page(f"/sector/inbox?after={bad}")
        assert page.status == 200
        assert len(page.select("tbody tr")) == 1


def test_inbox_filters_by_status_service_and_overdue(agent, data):
    user = citizen_user()
    late = insert_request(user, "passport_renew", today() - timedelta(days=2), subject="متأخر جدًا")
    insert_request(user, "iqama_renew", today() + timedelta(days=3), subject="في الموعد")
    insert_request(user, "passport_renew", today() - timedelta(days=5), status=S.ANSWERED, subject="أجيب")
    insert_request(user, "passport_renew", today(), status=S.CLOSED, subject="أغلق")

    default = agent.page("/sector/inbox").text
    assert "متأخر جدًا" in default and "في الموعد" in default and "أجيب" in default
    assert "أغلق" not in default  # finished requests are not in the default (open) view
    assert "أغلق" in agent.page("/sector/inbox?status=all").text
    assert [td.text for td in agent.page("/sector/inbox?status=answered").select("tbody td:nth-child(3)")] == ["أجيب"]
    assert [td.text for td in agent.page("/sector/inbox?service=iqama_renew").select("tbody td:nth-child(3)")] == [
        "في الموعد"
    ]

    overdue = agent.page("/sector/inbox?overdue=1")
    assert [td.text for td in overdue.select("tbody td:nth-child(3)")] == ["متأخر جدًا"]
    assert overdue.one("#filter-overdue").has_attr("checked")
    marked = agent.page("/sector/inbox")
    late_row = marked.one(f'a[href="/sector/requests/{late.reference}"]').find_parent("tr")
    assert late_row.select_one(".status--overdue").text == "متأخر"
    assert len(marked.select(".status--overdue")) == 1  # answered late is not "overdue"


def test_inbox_ignores_a_service_of_another_sector(agent, data):
    insert_request(citizen_user(), "passport_renew", today())
    page = agent.page("/sector/inbox?service=driving_license_renew&status=bogus")
    assert page.status == 200 and len(page.select("tbody tr")) == 1


# --- One request -----------------------------------------------------------------------


def test_take_makes_it_mine_in_progress_and_tells_the_beneficiary(citizen, agent, data):
    reference = create_request(citizen)
    page = agent.page(f"/sector/requests/{reference}")
    assert_well_formed(page)
    assert page.one('form[action$="/take"] button').text.strip() == "استلام"
    assert page.one("#status-heading .status").text == "جديد"
    response = agent.submit(f"/sector/requests/{reference}/take", workspace_values(page, "take"))
    assert response.status == 303
    row = request_row(reference)
    assert row.status == S.IN_PROGRESS and row.assignee.national_id == "1000000016" and row.version == 2
    after = agent.page(f"/sector/requests/{reference}")
    assert after.one("#status-heading .status").text == "قيد المعالجة"
    assert not after.select('form[action$="/take"]')
    assert "استلم الطلب." in after.one(".timeline").text
    assert "نورة سعد القحطاني" in after.one(".summary").text
    assert "حالة طلبك" in last_sms("0500000008") and reference in last_sms("0500000008")


def test_reply_answers_by_default_and_shows_in_my_requests(citizen, agent, data):
    reference = create_request(citizen)
    page = agent.page(f"/sector/requests/{reference}")
    values = workspace_values(page, "reply")
    assert values["reply_status"] == S.ANSWERED
    values["body"] = "يمكنك التجديد عبر أبشر مباشرة."
    response = agent.submit(f"/sector/requests/{reference}/reply", values)
    assert response.status == 303
    assert request_row(reference).status == S.ANSWERED
    mine = citizen.page("/messages")
    assert mine.one("tbody .status").text == "تمت الإجابة"
    request_page = citizen.page(f"/messages/{reference}")
    assert "يمكنك التجديد عبر أبشر مباشرة." in request_page.one(".timeline").text
    # The beneficiary reads who answered as a role, never the staff member's name.
    assert "موظف المديرية العامة للجوازات" in request_page.one(".timeline").text
    assert "نورة سعد القحطاني" not in request_page.text
    assert "ردّ القطاع على طلبك" in last_sms("0500000008")
    notifications = citizen.page("/notifications")
    linked = [a.text for a in notifications.select(f'a[href="/messages/{reference}"]')]
    assert linked[0].startswith("ردّ القطاع على طلبك") and len(linked) == 2  # the reply, then the receipt


def test_reply_with_htmx_rerenders_the_workspace_in_place(citizen, agent, data):
    reference = create_request(citizen)
    values = workspace_values(agent.page(f"/sector/requests/{reference}"), "reply")
    values.update(body="نحتاج حضورك", reply_status=S.NEEDS_VISIT)
    page = agent.submit(f"/sector/requests/{reference}/reply", values, htmx=True)
    assert page.status == 200
    assert page.soup.find("html") is None
    assert page.one("#workspace #status-heading .status").text == "يتطلب زيارة الفرع"
    assert "نحتاج حضورك" in page.one(".timeline").text
    assert "يتطلب زيارة الفرع" in page.one("#announcer[hx-swap-oob]").text
    assert "HX-Request" in page.response.headers["Vary"]
    assert citizen.page(f"/messages/{reference}").one(f'a[href="/appointments/book?request={reference}"]')


def test_an_empty_reply_is_explained_and_changes_nothing(citizen, agent, data):
    reference = create_request(citizen)
    values = workspace_values(agent.page(f"/sector/requests/{reference}"), "reply")
    for htmx in (False, True):
        page = agent.submit(f"/sector/requests/{reference}/reply", values, htmx=htmx)
        assert page.status == 422
        assert "اكتب ردك." in page.one("#body-error").text
    assert request_row(reference).status == S.NEW


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_status_changes_along_the_pipeline(citizen, agent, data, htmx):
    reference = create_request(citizen)
    page = agent.page(f"/sector/requests/{reference}")
    choices = [option["value"] for option in page.select("#status option")]
    assert choices == [S.IN_PROGRESS, S.ANSWERED, S.NEEDS_VISIT, S.CLOSED]
    values = workspace_values(page, "status")
    values.update(status=S.CLOSED, note="أُغلق بعد التحقق")
    response = agent.submit(f"/sector/requests/{reference}/status", values, htmx=htmx)
    if htmx:
        assert response.status == 200
        assert response.one("#status-heading .status").text == "مغلق"
    else:
        assert response.status == 303
    assert request_row(reference).status == S.CLOSED
    events = list(request_row(reference).history())
    assert [(e.kind, e.from_status, e.to_status, e.author.national_id) for e in events] == [
        ("status", S.NEW, S.CLOSED, "1000000016")
    ]
    closed = agent.page(f"/sector/requests/{reference}")
    assert not closed.select('form[action$="/status"]') and not closed.select('form[action$="/reply"]')
    assert "أُغلق بعد التحقق" in citizen.page(f"/messages/{reference}").text


def test_a_move_the_pipeline_does_not_allow_is_refused(citizen, agent, data):
    reference = create_request(citizen)
    values = workspace_values(agent.page(f"/sector/requests/{reference}"), "status")
    for bad in (S.NEW, S.WITHDRAWN, "deleted"):
        values["status"] = bad
        page = agent.submit(f"/sector/requests/{reference}/status", values)
        assert page.status == 422
        assert "اختر حالة من القائمة." in page.one("#status-error").text
    assert request_row(reference).status == S.NEW and request_row(reference).version == 1


# --- Two agents at once ---------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_the_second_agent_gets_a_conflict_and_sees_the_current_state(citizen, agent, app, make_client, data, htmx):
    reference = create_request(citizen)
    colleague = make_staff(app, make_client, "passports")
    mine = agent.page(f"/sector/requests/{reference}")
    theirs = colleague.page(f"/sector/requests/{reference}")

    first = workspace_values(mine, "status")
    first.update(status=S.NEEDS_VISIT)
    assert agent.submit(f"/sector/requests/{reference}/status", first).status == 303

    second = workspace_values(theirs, "reply")
    second.update(body="ردّي الذي كتبته", reply_status=S.CLOSED)
    page = colleague.submit(f"/sector/requests/{reference}/reply", second, htmx=htmx)
    assert page.status == 409
    notice = page.one(".notice--conflict").text
    assert "غيّر موظف آخر هذا الطلب" in notice and "يتطلب زيارة الفرع" in notice
    assert page.one("#status-heading .status").text == "يتطلب زيارة الفرع"
    assert page.one("#body").text.strip() == "ردّي الذي كتبته"  # what they typed is still there
    assert page.one('form[action$="/reply"] input[name="version"]')["value"] == "2"
    if not htmx:
        assert_well_formed(page)
    row = request_row(reference)
    assert row.status == S.NEEDS_VISIT and row.version == 2
    assert [e.author.national_id for e in row.history()] == ["1000000016"]


def test_a_stale_take_and_a_forged_version_are_conflicts(citizen, agent, data):
    reference = create_request(citizen)
    values = workspace_values(agent.page(f"/sector/requests/{reference}"), "take")
    assert agent.submit(f"/sector/requests/{reference}/take", values).status == 303
    assert agent.submit(f"/sector/requests/{reference}/take", values).status == 409
    page = agent.submit(f"/sector/requests/{reference}/status", {"version": "abc", "status": S.CLOSED})
    assert page.status == 409
    assert request_row(reference).status == S.IN_PROGRESS


def test_every_step_is_in_the_history_with_who_and_when(citizen, agent, data):
    reference = create_request(citizen)
    page = agent.page(f"/sector/requests/{reference}")
    agent.submit(f"/sector/requests/{reference}/take", workspace_values(page, "take"))
    page = agent.page(f"/sector/requests/{reference}")
    values = workspace_values(page, "reply")
    values["body"] = "تمت المراجعة"
    agent.submit(f"/sector/requests/{reference}/reply", values)
    citizen.submit(f"/messages/{reference}/reply", {"body": "شكرًا"})
    timeline = citizen.page(f"/messages/{reference}").select(".timeline > li")
    assert len(timeline) == 4
    assert [li.select_one("strong").get_text(" ", strip=True) for li in timeline[1:]] == [
        "موظف المديرية العامة للجوازات",
        "موظف المديرية العامة للجوازات",
        "أنت",
    ]
    assert [li["class"][-1] for li in timeline] == [
        "timeline__entry--beneficiary",
        "timeline__entry--staff",
        "timeline__entry--staff",
        "timeline__entry--beneficiary",
    ]
    assert all(li.select_one("time[datetime]") for li in timeline)
    assert "تغيرت الحالة إلى «تمت الإجابة»" in timeline[2].text


# --- Another sector ----------------------------------------------------------------------


def test_an_agent_of_another_sector_finds_nothing(citizen, app, make_client, data):
    reference = sent_reference(send_request(citizen, files=[(PDF_BYTES, "doc.pdf")]))
    traffic_agent = make_staff(app, make_client, "traffic")
    assert traffic_agent.page("/sector/inbox").select("tbody tr") == []
    assert traffic_agent.page(f"/sector/requests/{reference}").status == 404
    for action, values in (
        ("take", {"version": "1"}),
        ("status", {"version": "1", "status": S.CLOSED}),
        ("reply", {"version": "1", "body": "x", "reply_status": S.ANSWERED}),
    ):
        assert traffic_agent.submit(f"/sector/requests/{reference}/{action}", values).status == 404
    attachment = models.Attachment.get()
    assert traffic_agent.get(f"/messages/{reference}/attachments/{attachment.id}").status_code == 404
    assert request_row(reference).status == S.NEW and request_row(reference).version == 1


def test_beneficiaries_cannot_act_as_agents(citizen, data):
    reference = create_request(citizen)
    assert citizen.page(f"/sector/requests/{reference}").status == 403
    assert citizen.submit(f"/sector/requests/{reference}/take", {"version": "1"}).status == 403


def test_agent_pages_are_well_formed_in_english(citizen, agent, data):
    reference = create_request(citizen)
    agent.submit("/language", {"lang": "en", "next": "/"})
    inbox = agent.page("/sector/inbox")
    assert_well_formed(inbox)
    assert inbox.one("h1").text == "Incoming requests"
    page = agent.page(f"/sector/requests/{reference}")
    assert_well_formed(page)
    assert page.one('form[action$="/take"] button').text.strip() == "Take"
    assert page.one("#status-heading .status").text == "New"


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_every_messages_page_speaks_only_its_language(citizen, agent, lang, data):
    from tests.helpers.crawl import foreign_words

    reference = sent_reference(send_request(citizen, files=[(PDF_BYTES, "doc.pdf")]))
    values = workspace_values(agent.page(f"/sector/requests/{reference}"), "reply")
    values.update(body="نحتاج حضورك", reply_status=S.NEEDS_VISIT)
    agent.submit(f"/sector/requests/{reference}/reply", values)
    for client in (citizen, agent):
        client.submit("/language", {"lang": lang, "next": "/"})
    pages = {
        url: citizen.page(url)
        for url in (
            "/messages",
            "/messages/new?sector=passports",
            f"/messages/{reference}/sent",
            f"/messages/{reference}",
            f"/messages/{reference}/withdraw",
        )
    }
    pages.update({url: agent.page(url) for url in ("/sector/inbox", f"/sector/requests/{reference}")})
    pages["422"] = send_request(citizen, subject="", files=[(b"text", "a.pdf")])
    for url, page in pages.items():
        assert page.soup.find("html")["lang"] == lang
        assert_well_formed(page)
        assert foreign_words(page) == [], f"{url} ({lang}) has text outside the catalog"
