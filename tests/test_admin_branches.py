"""«الإدارة» runs branches: place, services and each weekday's plan, never dropping a booked seat."""

import pytest

import models
from domain import audit
from tests.helpers.appointments import CHOICE, ISSUE, NORTH, book_in_db, book_url, next_open_day, seats_taken
from tests.helpers.catalog import restore_catalog


@pytest.fixture(autouse=True)
def restored(app):
    yield
    restore_catalog()


def branch_id(in_app, code=NORTH):
    return in_app(lambda: models.Branch.get(models.Branch.code == code).id)


def service_id(in_app, code=ISSUE):
    return in_app(lambda: models.Service.get(models.Service.code == code).id)


def times_offered(client, day):
    page = client.page(book_url(**CHOICE, date=day.isoformat()))
    return [radio["value"] for radio in page.select('input[name="time"]')]


def save_weekday(admin, in_app, day, page=None, **changes):
    url = f"/admin/branches/{branch_id(in_app)}/weekdays/{day.weekday()}"
    page = page or admin.page(url)
    values = page.form_values(f'form[action="{url}"]')
    values.update(changes)
    for name in [name for name, value in changes.items() if value is None]:
        values.pop(name)
    return admin.submit(url, values)


def test_a_weekday_plan_shows_at_once_in_the_booking_wizard(admin, citizen, in_app):
    day = in_app(next_open_day)
    assert "07:30" in times_offered(citizen, day)
    issue = service_id(in_app)
    changes = {"opens": "08:00", "closes": "12:00", f"minutes-{issue}": "30", f"seats-{issue}": "2"}
    answer = save_weekday(admin, in_app, day, **changes)
    assert answer.status == 303
    times = times_offered(citizen, day)
    assert times[0] == "08:00" and times[-1] == "11:30" and "08:15" not in times
    page = citizen.page(book_url(**CHOICE, date=day.isoformat(), time="08:30", review=1))
    assert page.status == 200
    in_app(lambda: book_in_db("citizen", day, "08:30"))
    slot = in_app(lambda: models.Slot.get((models.Slot.date == day) & (models.Slot.start == "08:30")))
    assert slot.capacity == 2
    assert [e.action for e in in_app(lambda: audit.of_record("branch", NORTH))] == ["branch.plan"]


def test_a_plan_that_would_drop_a_booked_seat_is_refused_with_the_count(admin, in_app):
    day = in_app(next_open_day)
    in_app(lambda: book_in_db("citizen", day, "07:30"))
    in_app(lambda: book_in_db("resident", day, "07:30"))
    issue = service_id(in_app)
    url = f"/admin/branches/{branch_id(in_app)}/weekdays/{day.weekday()}"
    page = admin.page(url)
    assert "موعدان" in page.one("#coming").text
    answer = save_weekday(admin, in_app, day, page, opens="08:00")
    assert answer.status == 422
    assert "موعدين" in answer.one(".error-summary").text
    assert len(answer.select("#dropped tbody tr")) == 2
    assert answer.one("#opens")["value"] == "08:00"
    answer = save_weekday(admin, in_app, day, page, **{f"seats-{issue}": "1"})
    assert answer.status == 422 and len(answer.select("#dropped tbody tr")) == 1
    answer = save_weekday(admin, in_app, day, page, is_open=None)
    assert answer.status == 422
    assert in_app(lambda: models.BranchDay.select().count()) == 0
    # Keeping every booked time and seat goes through, and the seats already taken stay taken.
    answer = save_weekday(admin, in_app, day, page, closes="12:00", **{f"seats-{issue}": "2"})
    assert answer.status == 303
    assert in_app(lambda: seats_taken(day, "07:30")) == 2
    assert in_app(lambda: models.Slot.get(models.Slot.date == day).capacity) == 2


def test_bad_plan_input_is_explained_beside_the_field_and_kept(admin, in_app):
    day = in_app(next_open_day)
    issue = service_id(in_app)
    answer = save_weekday(admin, in_app, day, opens="7.30", **{f"minutes-{issue}": "0", f"seats-{issue}": "كثير"})
    assert answer.status == 422
    assert "07:30" in answer.one("#opens-error").text
    assert "5" in answer.one(f"#minutes-{issue}-error").text
    assert answer.one(f"#seats-{issue}")["value"] == "كثير"
    answer = save_weekday(admin, in_app, day, opens="12:00", closes="08:00")
    assert answer.status == 422 and "بعد" in answer.one("#closes-error").text


def test_two_admins_saving_one_weekday_get_a_conflict(admin, make_client, in_app):
    other = make_client("admin")
    day = in_app(next_open_day)
    url = f"/admin/branches/{branch_id(in_app)}/weekdays/{day.weekday()}"
    stale = other.page(url)
    assert save_weekday(admin, in_app, day, closes="13:00").status == 303
    answer = other.submit(url, dict(stale.form_values(f'form[action="{url}"]'), closes="12:00"))
    assert answer.status == 409
    assert "مدير آخر" in answer.one(".flashes").text
    assert answer.one("#closes")["value"] == "13:00"


def branch_form(admin, in_app, code=NORTH):
    url = f"/admin/branches/{branch_id(in_app, code)}"
    page = admin.page(url)
    return url, page.form_values(f'form[action="{url}"]'), page


def test_a_branch_that_stops_giving_a_booked_service_is_refused_and_an_unbooked_one_leaves_the_list(
    admin, citizen, in_app
):
    day = in_app(next_open_day)
    in_app(lambda: book_in_db("citizen", day, "09:00"))
    url, values, page = branch_form(admin, in_app)
    issue = str(service_id(in_app))
    offered = [box["value"] for box in page.select('input[name="services"][checked]')]
    assert issue in offered
    answer = admin.post(url, data={**values, "services": [v for v in offered if v != issue]})
    assert answer.status_code == 422
    assert in_app(lambda: models.BranchService.select().where(models.BranchService.service == int(issue)).count())
    renew = str(service_id(in_app, "passport_renew"))
    answer = admin.post(url, data={**values, "services": [v for v in offered if v != renew]})
    assert answer.status_code == 303
    branches = citizen.page("/appointments/book?sector=passports&service=passport_renew&region=riyadh")
    assert NORTH not in [option["value"] for option in branches.select("select#branch option[value]")]


def test_a_new_branch_gets_its_sectors_services_and_reaches_the_booking_list(admin, citizen, in_app):
    sector = in_app(lambda: models.Sector.get(models.Sector.code == "passports").id)
    city = in_app(lambda: models.City.get(models.City.code == "al_kharj").id)
    shown = admin.submit("/admin/branches/new", {"sector": str(sector), "show_services": "1"})
    assert shown.status == 200
    issue = str(service_id(in_app))
    assert shown.one(f"#services-{issue}")
    values = {
        "code": "passports_kharj_south",
        "sector": str(sector),
        "name_ar": "فرع جوازات الخرج",
        "name_en": "Al Kharj Passports Branch",
        "city": str(city),
        "address_ar": "طريق الملك عبدالعزيز",
        "address_en": "King Abdulaziz Road",
        "opens": "08:00",
        "closes": "13:00",
        "services": [issue],
        "active": "y",
    }
    answer = admin.post("/admin/branches/new", data={**values, "csrf_token": admin.csrf_token})
    assert answer.status_code == 303
    page = citizen.page("/appointments/book?sector=passports&service=passport_issue&region=riyadh")
    assert "passports_kharj_south" in [option["value"] for option in page.select("select#branch option[value]")]
    bad = admin.post(
        "/admin/branches/new", data={**values, "code": "passports_kharj_south", "csrf_token": admin.csrf_token}
    )
    assert bad.status_code == 422


def test_branch_pages_are_for_admins_only(make_client, in_app):
    for role in ("citizen", "agent", "desk", "officer"):
        client = make_client(role)
        assert client.get("/admin/branches").status_code == 403
        assert client.get(f"/admin/branches/{branch_id(in_app)}/weekdays/0").status_code == 403
    assert make_client("admin").get(f"/admin/branches/{branch_id(in_app)}/weekdays/4").status_code == 404


def test_a_services_usual_slots_cannot_drop_a_booked_time_either(admin, in_app):
    day = in_app(next_open_day)
    in_app(lambda: book_in_db("citizen", day, "07:45"))
    url = f"/admin/catalog/services/{service_id(in_app)}"
    values = admin.page(url).form_values(f'form[action="{url}"]')
    answer = admin.submit(url, dict(values, slot_minutes="30"))
    assert answer.status == 422 and "موعدًا محجوزًا" in answer.one(".error-summary").text
    assert in_app(lambda: models.Service.get(models.Service.code == ISSUE).slot_minutes) == 15
    assert admin.submit(url, dict(values, slot_capacity="6")).status == 303
    assert in_app(lambda: models.Slot.get(models.Slot.date == day).capacity) == 6
