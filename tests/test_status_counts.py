"""The counts the lists show stay equal to the records they count, whatever the acts and however many at once."""

import threading

from peewee import fn

import models
from domain import counts
from domain import requests as requests_domain
from domain.delivery import moves, requests
from models import City, Delivery, DeliveryStatus, User
from tests.helpers.accounts import DEMO
from tests.helpers.addresses import ADDRESS
from tests.helpers.delivery import document_id, make_deliveries, officer_moves, request_delivery, track_link
from tests.helpers.messaging import create_request, request_row


def shown_counts(page):
    """The tab counts of the officer's list as the officer reads them: {status or "all": n}."""
    return {span["data-status"]: int(span.text.strip("()")) for span in page.select(".tab-count")}


def real_counts(city=None):
    """The deliveries counted one by one, as the tabs should show them."""
    query = Delivery.select(Delivery.status, fn.COUNT(Delivery.id)).join(City)
    if city:
        query = query.where(City.code == city)
    found = {status: 0 for status in DeliveryStatus.ALL}
    found.update(dict(query.group_by(Delivery.status).tuples()))
    found["all"] = sum(found.values())
    return found


def summary_by_city_and_status():
    rows = models.StatusCount.select().where((models.StatusCount.kind == counts.DELIVERY) & (models.StatusCount.n > 0))
    return {(row.scope, row.status): row.n for row in rows}


def real_by_city_and_status():
    counted = Delivery.select(Delivery.city, Delivery.status, fn.COUNT(Delivery.id)).group_by(
        Delivery.city, Delivery.status
    )
    return {(str(city), status): n for city, status, n in counted.tuples()}


def assert_tabs_right(officer, in_app):
    for city in (None, "riyadh", "jeddah"):
        page = officer.page("/officer/deliveries" + (f"?city={city}" if city else ""))
        assert shown_counts(page) == in_app(lambda city=city: real_counts(city)), city


def test_tab_counts_follow_creations_moves_cancellations_and_address_changes(app, citizen, resident, officer, in_app):
    riyadh = make_deliveries(app, 3)
    jeddah = request_delivery(resident, document_id(app, "resident", "iqama"), city="jeddah")
    tabs = shown_counts(officer.page("/officer/deliveries"))
    assert tabs == in_app(real_counts) and tabs["all"] == tabs["received"] == 4

    officer_moves(app, riyadh[0], "preparing", "handed_to_post")
    officer_moves(app, jeddah, "preparing")
    cancel_form = citizen.page(f"/delivery/{riyadh[1]}/cancel").form_values('form[action$="/cancel"]')
    assert citizen.submit(f"/delivery/{riyadh[1]}/cancel", cancel_form).status == 303
    # The third one moves to Jeddah: it leaves Riyadh's counts for Jeddah's.
    address_form = citizen.page(f"/delivery/{riyadh[2]}/address").form_values('main form[method="post"]')
    address_form.update(city="jeddah")
    assert citizen.submit(f"/delivery/{riyadh[2]}/address", address_form).status == 303

    assert_tabs_right(officer, in_app)
    jeddah_tabs = shown_counts(officer.page("/officer/deliveries?city=jeddah"))
    assert jeddah_tabs["all"] == 2 and jeddah_tabs["received"] == 1 and jeddah_tabs["preparing"] == 1
    riyadh_tabs = shown_counts(officer.page("/officer/deliveries?city=riyadh"))
    assert riyadh_tabs["all"] == 2 and riyadh_tabs["handed_to_post"] == 1 and riyadh_tabs["cancelled"] == 1
    # Filtered by a person's ID, the tabs count that person's deliveries.
    mine = shown_counts(officer.page(f"/officer/deliveries?q={DEMO['resident']}"))
    assert mine["all"] == 1 and mine["preparing"] == 1


def test_a_refused_or_stale_move_changes_no_count(app, citizen, officer, in_app):
    (delivery_id,) = make_deliveries(app, 1)
    page = officer.page("/officer/deliveries")
    form = page.one(f"#delivery-{delivery_id} form")
    stale = page.form_values(form)
    officer_moves(app, delivery_id, "preparing")
    # The form still carries the old version: a conflict, and nothing is counted twice.
    assert officer.submit(form["action"], dict(stale, status="preparing")).status == 409
    # The pipeline refuses a jump: nothing is counted either.
    fresh = officer.page("/officer/deliveries")
    form = fresh.one(f"#delivery-{delivery_id} form")
    assert officer.submit(form["action"], dict(fresh.form_values(form), status="delivered")).status == 422
    assert_tabs_right(officer, in_app)
    assert shown_counts(officer.page("/officer/deliveries"))["preparing"] == 1


def move_all_at_once(app, plans):
    """Run each plan (delivery id, [statuses]) in its own thread and connection, all starting together.

    Returns the errors raised; a move the pipeline refuses is an error here too.
    """
    barrier = threading.Barrier(len(plans))
    errors = []

    def run(delivery_id, statuses):
        with app.test_request_context(), models.db.connection_context():
            try:
                officer = User.get(User.national_id == DEMO["officer"])
                barrier.wait(timeout=30)
                for status in statuses:
                    version = Delivery.get_by_id(delivery_id).version
                    moves.move(
                        delivery_id,
                        version,
                        status,
                        officer,
                        "officer",
                        "لا أحد في العنوان",
                        track_link=track_link,
                        reason="nobody_home",
                    )
            except Exception as error:  # noqa: BLE001 - the test counts every failure
                errors.append(repr(error))

    threads = [threading.Thread(target=run, args=plan) for plan in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_deliveries_moved_at_once_leave_the_counts_equal_to_the_records(app, in_app):
    riyadh = make_deliveries(app, 12)
    jeddah = make_deliveries(app, 6, owner="resident", city="jeddah")
    for delivery_id in riyadh[:4] + jeddah[:2]:
        officer_moves(app, delivery_id, "preparing", "handed_to_post", "out_for_delivery")
    for delivery_id in riyadh[4:8] + jeddah[2:4]:
        officer_moves(app, delivery_id, "preparing", "handed_to_post", "out_for_delivery", "failed", note="مغلق")
    # Out for delivery -> failed and failed -> out for delivery at once take the same two
    # summary rows in opposite directions; the rest walk from received.
    plans = [(delivery_id, ["failed"]) for delivery_id in riyadh[:4] + jeddah[:2]]
    plans += [(delivery_id, ["out_for_delivery"]) for delivery_id in riyadh[4:8] + jeddah[2:4]]
    plans += [(delivery_id, ["preparing", "handed_to_post"]) for delivery_id in riyadh[8:] + jeddah[4:]]

    assert move_all_at_once(app, plans) == []

    summary, real = in_app(lambda: (summary_by_city_and_status(), real_by_city_and_status()))
    assert summary == real
    assert sum(n for (scope, status), n in real.items() if status == "failed") == 6
    assert sum(n for (scope, status), n in real.items() if status == "handed_to_post") == 6


def test_deliveries_requested_at_once_are_each_counted(app, in_app):
    def make(number):
        with app.test_request_context(), models.db.connection_context():
            user = User.get(User.national_id == DEMO["citizen"])
            document = models.Document.create(
                user=user,
                document_type=models.DocumentType.get(models.DocumentType.code == "passport"),
                number=f"C{number:07d}",
                branch=models.Document.select().where(models.Document.user == user).first().branch,
                issued_at=models.utcnow().date(),
            )
            barrier.wait(timeout=30)
            requests.request_delivery(user, document, dict(ADDRESS), f"at-once-{number}", track_link=track_link)

    barrier = threading.Barrier(10)
    threads = [threading.Thread(target=make, args=(number,)) for number in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    summary, real = in_app(lambda: (summary_by_city_and_status(), real_by_city_and_status()))
    assert summary == real and sum(real.values()) == 10


def test_request_counts_follow_submissions_and_every_status_change(app, citizen, resident, admin, in_app):
    references = [create_request(citizen) for _ in range(3)] + [create_request(resident)]

    def act():
        agent = User.get(User.national_id == DEMO["agent"])
        first, second, third, _fourth = (request_row(reference) for reference in references)
        taken = requests_domain.take(first, first.version, agent)
        requests_domain.change_status(taken, taken.version, agent, models.RequestStatus.CLOSED)
        requests_domain.staff_reply(second, second.version, agent, "تمت الإجابة")
        requests_domain.withdraw(third, third.user)

    with app.test_request_context(), models.db.connection_context():
        act()
    summary = in_app(lambda: {status: n for status, n in counts.by_status(counts.REQUEST).items() if n})
    assert summary == {"closed": 1, "answered": 1, "withdrawn": 1, "new": 1}
    assert summary == in_app(
        lambda: dict(
            models.ServiceRequest.select(models.ServiceRequest.status, fn.COUNT(models.ServiceRequest.id))
            .group_by(models.ServiceRequest.status)
            .tuples()
        )
    )
    page = admin.page("/admin/")
    assert "4" in page.one("main p").text
    shown = [int(cell.text) for cell in page.select("tbody tr td:last-child")]
    assert shown == in_app(lambda: [User.select().where(User.role == role).count() for role in models.Role.ALL])
    assert sum(shown) == 6


def test_recounting_repairs_counts_that_went_wrong(app, citizen, officer, in_app):
    make_deliveries(app, 2)
    create_request(citizen)

    def break_and_recount():
        models.StatusCount.update(n=99).execute()
        for kind in counts.COUNTED:
            counts.recount(kind)
        return counts.total(counts.REQUEST), counts.by_status(counts.ACCOUNT)

    requests_total, accounts = in_app(break_and_recount)
    assert requests_total == 1 and sum(accounts.values()) == 6 and accounts["beneficiary"] == 2
    assert_tabs_right(officer, in_app)
