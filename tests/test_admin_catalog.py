"""«الإدارة» runs the catalog: what an admin changes, opens or retires shows on the beneficiary's next form."""

import pytest

import models
from domain import audit
from tests.helpers.catalog import restore_catalog
from tests.helpers.messaging import create_request

BOOK_SERVICES = "/appointments/book?sector=passports"


@pytest.fixture(autouse=True)
def restored(app):
    yield
    restore_catalog()


def record_id(in_app, model, code):
    return in_app(lambda: model.get(model.code == code).id)


def service_names(page):
    return [option.text.strip() for option in page.select("select#service option")]


def edit_service(admin, in_app, code, **changes):
    url = f"/admin/catalog/services/{record_id(in_app, models.Service, code)}"
    page = admin.page(url)
    values = page.form_values(f'form[action="{url}"]')
    values.update(changes)
    for name in [name for name, value in changes.items() if value is None]:
        values.pop(name)
    return admin.submit(url, values), page


def test_a_renamed_service_shows_at_once_on_the_beneficiarys_forms(admin, citizen, in_app):
    assert "تجديد الجواز" not in service_names(citizen.page("/messages/new?sector=passports"))
    answer, _ = edit_service(admin, in_app, "passport_renew", name_ar="تجديد الجواز", response_days="9")
    assert answer.status == 303
    assert "تجديد الجواز" in service_names(citizen.page("/messages/new?sector=passports"))
    assert "تجديد الجواز" in service_names(citizen.page(BOOK_SERVICES))
    options = citizen.page("/messages/new/services?sector=passports", htmx=True).select("option")
    assert "تجديد الجواز" in [option.text.strip() for option in options]
    assert in_app(lambda: models.Service.get(models.Service.code == "passport_renew").response_days) == 9
    entries = in_app(lambda: audit.of_record("service", "passport_renew"))
    assert [entry.action for entry in entries] == ["service.change"]
    assert "response_days=5" in entries[0].before and "response_days=9" in entries[0].after


def test_a_retired_service_leaves_new_requests_and_bookings_and_stays_on_old_ones(admin, citizen, in_app):
    reference = create_request(citizen, service="passport_renew", subject="تجديد قبل السفر")
    renew = in_app(lambda: models.Service.get(models.Service.code == "passport_renew").name_ar)
    answer, _ = edit_service(admin, in_app, "passport_renew", active=None)
    assert answer.status == 303
    assert renew not in service_names(citizen.page("/messages/new?sector=passports"))
    assert renew not in service_names(citizen.page(BOOK_SERVICES))
    page = citizen.page("/appointments/book?sector=passports&service=passport_renew")
    assert not page.select("select#region") and renew not in service_names(page)
    assert renew in citizen.page(f"/messages/{reference}").text
    catalog_page = admin.page("/admin/catalog")
    assert "خارج الخدمة" in catalog_page.one(f"#service-{record_id(in_app, models.Service, 'passport_renew')}").text
    assert in_app(lambda: audit.of_record("service", "passport_renew"))[0].action == "service.retire"


def test_a_new_sector_section_and_service_reach_the_forms_as_they_are_marked(admin, citizen, in_app):
    assert (
        admin.submit(
            "/admin/catalog/sectors/new",
            {"code": "municipal", "name_ar": "الشؤون البلدية", "name_en": "Municipal Affairs", "position": "9"},
        ).status
        == 303
    )
    sector_id = record_id(in_app, models.Sector, "municipal")
    assert (
        admin.submit(
            f"/admin/catalog/sectors/{sector_id}/sections/new",
            {"code": "permits", "name_ar": "الرخص", "name_en": "Permits", "position": "0"},
        ).status
        == 303
    )
    section_id = record_id(in_app, models.Section, "permits")
    values = {
        "code": "shop_permit",
        "name_ar": "رخصة محل",
        "name_en": "Shop permit",
        "position": "0",
        "section": str(section_id),
        "response_days": "4",
        "requirements_ar": "صك الملكية",
        "requirements_en": "The title deed",
        "accepts_requests": "y",
        "slot_minutes": "15",
        "slot_capacity": "3",
        "active": "y",
    }
    assert admin.submit(f"/admin/catalog/sections/{section_id}/services/new", values).status == 303
    assert "الشؤون البلدية" in citizen.page("/messages/new").text
    assert "رخصة محل" in service_names(citizen.page("/messages/new?sector=municipal"))
    # Not bookable: it takes requests only.
    assert "رخصة محل" not in service_names(citizen.page("/appointments/book?sector=municipal"))
    assert [e.action for e in in_app(lambda: audit.of_record("service", "shop_permit"))] == ["service.open"]


def test_bad_input_is_explained_at_the_field_in_the_page_language_and_kept(admin, in_app):
    sector_id = record_id(in_app, models.Sector, "passports")
    url = f"/admin/catalog/sectors/{sector_id}/sections/new"
    page = admin.submit(url, {"code": "Bad Code!", "name_ar": "قسم جديد", "name_en": "", "position": "x"})
    assert page.status == 422
    assert "حروف" in page.one("#code-error").text
    assert page.one("#name_en-error") and page.one("#position-error")
    assert page.one("#name_ar")["value"] == "قسم جديد"
    assert page.one("#code")["value"] == "Bad Code!"
    existing = in_app(lambda: models.Section.select().first().code)
    page = admin.submit(url, {"code": existing, "name_ar": "قسم", "name_en": "Section", "position": "1"})
    assert page.status == 422 and "مستخدم" in page.one("#code-error").text
    admin.submit("/language", {"lang": "en", "next": "/"})
    page = admin.submit(url, {"code": "x", "name_ar": "", "name_en": "Section", "position": "1"})
    assert page.status == 422
    assert "letters" in page.one("#code-error").text and "Arabic" in page.one("#name_ar-error").text


def test_two_admins_editing_one_service_get_a_conflict_not_an_overwrite(admin, make_client, in_app):
    other = make_client("admin")
    url = f"/admin/catalog/services/{record_id(in_app, models.Service, 'passport_issue')}"
    stale = other.page(url)
    answer, _ = edit_service(admin, in_app, "passport_issue", name_ar="إصدار الجواز")
    assert answer.status == 303
    values = dict(stale.form_values(f'form[action="{url}"]'), name_ar="إصدار جواز جديد")
    page = other.submit(url, values)
    assert page.status == 409
    assert "مدير آخر" in page.one(".flashes").text
    assert page.one("#name_ar")["value"] == "إصدار الجواز"
    assert in_app(lambda: models.Service.get(models.Service.code == "passport_issue").name_ar) == "إصدار الجواز"


def test_a_service_cannot_move_to_another_sectors_section(admin, in_app):
    other_section = in_app(
        lambda: models.Section.select().join(models.Sector).where(models.Sector.code != "passports").first().id
    )
    answer, _ = edit_service(admin, in_app, "passport_issue", section=str(other_section))
    assert answer.status == 422 and answer.one("#section-error")


def test_catalog_pages_are_for_admins_only(make_client, in_app):
    service_id = record_id(in_app, models.Service, "passport_issue")
    for role in ("citizen", "agent", "desk", "officer"):
        client = make_client(role)
        assert client.get("/admin/catalog").status_code == 403
        assert client.get(f"/admin/catalog/services/{service_id}").status_code == 403
    assert make_client("admin").get("/admin/catalog/services/999999").status_code == 404


def test_the_seed_file_fills_a_fresh_database_only(admin, in_app):
    from domain.catalog import seed_catalog

    edit_service(admin, in_app, "passport_issue", name_ar="إصدار الجواز")
    assert in_app(seed_catalog) is False
    assert in_app(lambda: models.Service.get(models.Service.code == "passport_issue").name_ar) == "إصدار الجواز"
