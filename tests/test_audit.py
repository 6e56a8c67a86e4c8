"""Every staff action leaves a trace: who, as what, from which address, on which record, before and after."""

import models
from domain import audit
from tests.helpers.accounts import DEMO
from tests.helpers.appointments import booked_today, in_db, user
from tests.helpers.delivery import document_id, request_delivery
from tests.helpers.messaging import create_request

DESK_PC = {"REMOTE_ADDR": "10.20.30.40"}


def trail(in_app, kind, subject):
    return in_app(
        lambda: [
            (entry.actor.national_id, entry.role, entry.action, entry.before, entry.after, entry.address)
            for entry in audit.of_record(kind, subject)
        ]
    )


def test_attendance_and_its_change_are_both_kept(visit_morning, desk, in_app):
    appointment = in_app(lambda: booked_today(in_db(user, "citizen"), "08:00"))
    url = f"/desk/appointments/{appointment.number}/attendance"
    assert desk.submit(url, {"attended": "yes"}, environ_base=DESK_PC).status == 303
    visit_morning.shift(20 * 60)  # past the slot's end
    changed = {"attended": "no", "reason": "سُجّل بالخطأ"}
    assert desk.submit(url, changed, environ_base=DESK_PC).status == 303
    assert trail(in_app, "appointment", appointment.number) == [
        (DEMO["desk"], "desk", "appointment.attendance", "confirmed", "attended", "10.20.30.40"),
        (DEMO["desk"], "desk", "appointment.attendance", "attended", "no_show", "10.20.30.40"),
    ]


def test_an_agent_taking_and_closing_a_request_is_kept(citizen, agent, in_app):
    reference = create_request(citizen)
    page = agent.page(f"/sector/requests/{reference}")
    take = page.one('form[action$="/take"]')
    agent.submit(take["action"], page.form_values(take))
    page = agent.page(f"/sector/requests/{reference}")
    status = page.one('form[action$="/status"]')
    values = dict(page.form_values(status), status=models.RequestStatus.CLOSED)
    assert agent.submit(status["action"], values).status == 303
    actions = [
        (role, action, before, after) for _, role, action, before, after, _ in trail(in_app, "request", reference)
    ]
    assert actions == [
        ("agent", "request.take", "new", "in_progress"),
        ("agent", "request.status", "in_progress", "closed"),
    ]


def test_an_officer_moving_a_delivery_is_kept_and_the_beneficiary_is_not_staff(app, citizen, officer, in_app):
    delivery_id = request_delivery(citizen, document_id(app))
    tracking = in_app(lambda: models.Delivery.get_by_id(delivery_id).tracking_number)
    page = officer.page("/officer/deliveries")
    form = page.one(f"#delivery-{delivery_id} form")
    values = dict(page.form_values(form), status="preparing")
    assert officer.submit(form["action"], values).status == 303
    assert [entry[:5] for entry in trail(in_app, "delivery", tracking)] == [
        (DEMO["officer"], "officer", "delivery.status", "received", "preparing")
    ]


def test_a_move_without_the_version_the_form_was_made_from_is_refused(app, citizen, officer, in_app):
    delivery_id = request_delivery(citizen, document_id(app))
    page = officer.page("/officer/deliveries")
    form = page.one(f"#delivery-{delivery_id} form")
    values = dict(page.form_values(form), status="preparing")
    values.pop("version")
    answer = officer.submit(form["action"], values)
    assert answer.status in (303, 409)
    assert in_app(lambda: models.Delivery.get_by_id(delivery_id).status) == "received"


def test_opening_notifications_changes_nothing_and_marking_read_spares_a_newer_one(citizen, in_app):
    from domain.notifier import notify

    person = lambda: models.User.get(models.User.national_id == DEMO["citizen"])  # noqa: E731
    in_app(lambda: notify(person(), "أول"))
    page = citizen.page("/notifications")
    assert in_app(lambda: models.Notification.unread_of(person()).count()) == 1
    in_app(lambda: notify(person(), "ثانٍ"))  # arrives after the page was drawn
    form = page.one('form[action="/notifications/read"]')
    citizen.submit(form["action"], page.form_values(form))
    assert in_app(lambda: [n.text_ar for n in models.Notification.unread_of(person())]) == ["ثانٍ"]
