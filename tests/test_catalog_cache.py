"""The catalog as every process keeps it: read once, and read again when the catalog changes."""

import json

import pytest

import models
from domain import catalog
from domain.catalog import CATALOG_PATH, load_catalog

BOOK_BRANCHES = "/appointments/book?sector=passports&service=passport_renew&region=riyadh"
RENAMED = "تجديد جواز السفر السعودي (محدّث)"


@pytest.fixture
def catalog_file(tmp_path, in_app):
    """A copy of data/catalog.json to change and load; the real catalog is loaded again afterwards."""
    with open(CATALOG_PATH, encoding="utf-8") as handle:
        entries = json.load(handle)
    path = tmp_path / "catalog.json"

    def write(change):
        change(entries)
        path.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
        return str(path)

    yield write
    in_app(load_catalog)


def passports(entries):
    return next(sector for sector in entries["sectors"] if sector["code"] == "passports")


def rename_renewal(entries):
    for section in passports(entries)["sections"]:
        for service in section["services"]:
            if service["code"] == "passport_renew":
                service["name_ar"] = RENAMED


def service_names(page):
    return [option.text.strip() for option in page.select("select#service option")]


def test_a_catalog_change_shows_on_the_next_page(citizen, in_app, catalog_file):
    assert RENAMED not in service_names(citizen.page("/messages/new?sector=passports"))
    path = catalog_file(rename_renewal)
    in_app(lambda: load_catalog(path))
    assert RENAMED in service_names(citizen.page("/messages/new?sector=passports"))
    options = citizen.page("/messages/new/services?sector=passports", htmx=True).select("option")
    assert RENAMED in [option.text.strip() for option in options]


def test_a_branch_that_stops_giving_a_service_leaves_the_booking_list(citizen, in_app, catalog_file):
    def branches():
        return [option["value"] for option in citizen.page(BOOK_BRANCHES).select("select#branch option[value]")]

    assert "passports_riyadh_north" in branches()

    def drop_renewal_at_north(entries):
        branch = next(b for b in passports(entries)["branches"] if b["code"] == "passports_riyadh_north")
        every = [s["code"] for section in passports(entries)["sections"] for s in section["services"]]
        offered = every if branch["services"] == "all" else branch["services"]
        branch["services"] = [code for code in offered if code != "passport_renew"]

    path = catalog_file(drop_renewal_at_north)
    in_app(lambda: load_catalog(path))
    assert "passports_riyadh_north" not in branches()
    page = citizen.page(BOOK_BRANCHES + "&branch=passports_riyadh_north")
    assert page.status == 422 and page.select("#branch-error")


def test_another_process_change_is_seen_through_the_version_stamp(citizen, in_app, catalog_file):
    assert RENAMED not in service_names(citizen.page("/messages/new?sector=passports"))

    def change_elsewhere():
        # What another process's invalidate() leaves behind: the row changed and the stamp moved on,
        # while this process's copy of the catalog still holds the old name.
        models.Service.update(name_ar=RENAMED).where(models.Service.code == "passport_renew").execute()
        models.CatalogVersion.update(version=models.CatalogVersion.version + 1).execute()

    in_app(change_elsewhere)
    assert RENAMED in service_names(citizen.page("/messages/new?sector=passports"))


def test_shared_catalog_records_refuse_to_be_written(db):
    sector = catalog.current().sector("passports")
    with pytest.raises(models.ReadOnlyCopy):
        sector.save()
    with pytest.raises(models.ReadOnlyCopy):
        sector.delete_instance()
    assert models.Sector.get(models.Sector.code == "passports").name_ar == sector.name_ar
