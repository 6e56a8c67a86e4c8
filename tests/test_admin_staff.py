"""«الإدارة» runs staff accounts: open, scope, stop, reset; never lose the last admin; never overwrite another admin."""

import models
from domain import audit
from domain.identity import national_id_problem
from tests.helpers.accounts import DEMO, latest_code, sign_in
from tests.helpers.appointments import booked_today, in_db, user
from tests.helpers.database import run_in

NEW_AGENT_ID = next(f"10000002{n:02d}" for n in range(100) if national_id_problem(f"10000002{n:02d}") is None)
NEW_PASSWORD = "مكتب-الجوازات-77"


def sector_id(in_app, code="passports"):
    return in_app(lambda: models.Sector.get(models.Sector.code == code).id)


def open_agent(admin, in_app, **changes):
    values = {
        "national_id": NEW_AGENT_ID,
        "name_ar": "سارة خالد العتيبي",
        "name_en": "Sara Khalid Alotaibi",
        "phone": "0551234567",
        "email": "",
        "role": "agent",
        "sector": str(sector_id(in_app)),
        "branch": "",
    }
    values.update(changes)
    return admin.submit("/admin/staff/new", values)


def member_page(admin, in_app, national_id):
    user_id = in_app(lambda: models.User.get(models.User.national_id == national_id).id)
    return admin.page(f"/admin/staff/{user_id}"), user_id


def test_an_opened_agent_sets_a_password_by_code_and_works_their_sector(app, admin, make_client, in_app):
    page = open_agent(admin, in_app)
    assert page.status == 303
    sms = in_app(lambda: models.OutboxMessage.select().where(models.OutboxMessage.recipient == "0551234567").get().body)
    assert "/password/forgot" in sms
    newcomer = make_client()
    newcomer.submit("/password/forgot", {"national_id": NEW_AGENT_ID})
    code = run_in(app, lambda: latest_code("0551234567"))
    newcomer.submit("/password/new", {"code": code, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    sign_in(newcomer, NEW_AGENT_ID, password=NEW_PASSWORD)
    assert newcomer.page("/sector/inbox").status == 200
    assert [entry.action for entry in in_app(lambda: audit.of_record("user", NEW_AGENT_ID))] == ["staff.open"]


def test_bad_input_is_explained_at_the_field_and_kept(admin, in_app):
    page = open_agent(admin, in_app, national_id="1000000009", sector="", phone="12345")
    assert page.status == 422
    assert "غير صحيح" in page.one("#national_id-error").text
    assert "05" in page.one("#phone-error").text
    assert page.one("#name_ar")["value"] == "سارة خالد العتيبي"
    page = open_agent(admin, in_app, sector="")
    assert page.status == 422
    assert "القطاع" in page.one("#sector-error").text
    page = open_agent(admin, in_app, national_id=DEMO["citizen"])
    assert page.status == 422
    assert "يوجد حساب" in page.one("#national_id-error").text


def test_stopping_an_account_signs_it_out_at_once_and_restarting_lets_it_in(admin, agent, in_app):
    page, user_id = member_page(admin, in_app, DEMO["agent"])
    form = page.one(f'form[action="/admin/staff/{user_id}/deactivate"]')
    assert admin.submit(form["action"], page.form_values(form)).status == 303
    assert agent.get("/sector/inbox").status_code == 302
    page, _ = member_page(admin, in_app, DEMO["agent"])
    form = page.one(f'form[action="/admin/staff/{user_id}/reactivate"]')
    assert admin.submit(form["action"], page.form_values(form)).status == 303
    assert in_app(lambda: models.User.get_by_id(user_id).active)
    actions = [entry.action for entry in in_app(lambda: audit.of_record("user", DEMO["agent"]))]
    assert actions == ["staff.deactivate", "staff.reactivate"]


def test_the_last_admin_can_be_neither_stopped_nor_demoted(admin, in_app):
    page, user_id = member_page(admin, in_app, DEMO["admin"])
    form = page.one(f'form[action="/admin/staff/{user_id}/deactivate"]')
    answer = admin.submit(form["action"], page.form_values(form))
    assert answer.status == 422
    assert "آخر مدير" in answer.one(".flashes").text
    scope = page.one(f'form[action="/admin/staff/{user_id}/scope"]')
    answer = admin.submit(scope["action"], dict(page.form_values(scope), role="officer"))
    assert answer.status == 422
    assert in_app(lambda: models.User.get_by_id(user_id).role) == "admin"


def test_two_admins_changing_one_account_get_a_conflict_not_an_overwrite(admin, make_client, in_app):
    other = make_client("admin")
    page, user_id = member_page(admin, in_app, DEMO["desk"])
    stale, _ = member_page(other, in_app, DEMO["desk"])
    scope = page.one(f'form[action="/admin/staff/{user_id}/scope"]')
    assert admin.submit(scope["action"], dict(page.form_values(scope), role="officer", branch="")).status == 303
    form = stale.one(f'form[action="/admin/staff/{user_id}/scope"]')
    answer = other.submit(form["action"], dict(stale.form_values(form), role="agent", sector=str(sector_id(in_app))))
    assert answer.status == 409
    assert in_app(lambda: models.User.get_by_id(user_id).role) == "officer"


def test_resetting_a_password_ends_it_and_its_sessions(admin, agent, make_client, in_app):
    page, user_id = member_page(admin, in_app, DEMO["agent"])
    form = page.one(f'form[action="/admin/staff/{user_id}/reset_password"]')
    assert admin.submit(form["action"], page.form_values(form)).status == 303
    assert agent.get("/sector/inbox").status_code == 302
    assert make_client().submit("/login", {"national_id": DEMO["agent"], "password": "demo1234"}).status == 401


def test_staff_pages_are_for_admins_only(make_client, in_app):
    user_id = in_app(lambda: models.User.get(models.User.national_id == DEMO["agent"]).id)
    for role in ("citizen", "agent", "desk", "officer"):
        client = make_client(role)
        assert client.get("/admin/staff").status_code == 403
        assert client.get(f"/admin/staff/{user_id}").status_code == 403
    citizen_id = in_app(lambda: models.User.get(models.User.national_id == DEMO["citizen"]).id)
    assert make_client("admin").get(f"/admin/staff/{citizen_id}").status_code == 404


def test_the_audit_log_shows_staff_actions_newest_first_and_filters_by_record(admin, desk, in_app):
    # At midnight: «حضر» may be recorded whatever the hour the test runs at.
    appointment = in_app(lambda: booked_today(in_db(user, "citizen"), "00:00"))
    url = f"/desk/appointments/{appointment.number}/attendance"
    desk.submit(url, {"attended": "yes"}, environ_base={"REMOTE_ADDR": "10.9.8.7"})
    page, user_id = member_page(admin, in_app, DEMO["agent"])
    form = page.one(f'form[action="/admin/staff/{user_id}/deactivate"]')
    admin.submit(form["action"], page.form_values(form))
    log = admin.page("/admin/audit")
    rows = [row.get_text(" ", strip=True) for row in log.select("tbody tr")]
    assert "أُوقف الحساب" in rows[0]
    assert appointment.number in rows[1] and "10.9.8.7" in rows[1] and "attended" in rows[1]
    filtered = admin.page(f"/admin/audit?kind=appointment&subject={appointment.number}")
    assert len(filtered.select("tbody tr")) == 1
    assert desk.get("/admin/audit").status_code == 403


def test_the_overview_counts_follow_accounts_opened_and_moved(admin, in_app):
    def agents_shown():
        rows = admin.page("/admin/").select("tbody tr")
        return next(row.select("td")[1].text for row in rows if "موظف القطاع" in row.text)

    before = int(agents_shown())
    open_agent(admin, in_app)
    assert int(agents_shown()) == before + 1
    page, user_id = member_page(admin, in_app, NEW_AGENT_ID)
    scope = page.one(f'form[action="/admin/staff/{user_id}/scope"]')
    admin.submit(scope["action"], dict(page.form_values(scope), role="officer", sector=""))
    assert int(agents_shown()) == before
