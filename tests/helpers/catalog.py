"""The catalog put back as data/catalog.json has it, after a test changed it from «الإدارة».

The suite keeps the catalog's tables between tests (they are slow to load), so
a test that changes them restores them itself.
"""

import json

import models
from domain.catalog import CATALOG_PATH, load_catalog


def seed_codes():
    with open(CATALOG_PATH, encoding="utf-8") as handle:
        data = json.load(handle)
    sectors, sections, services, branches = set(), set(), set(), set()
    for sector in data["sectors"]:
        sectors.add(sector["code"])
        branches.update(branch["code"] for branch in sector["branches"])
        for section in sector["sections"]:
            sections.add(section["code"])
            services.update(service["code"] for service in section["services"])
    return sectors, sections, services, branches


def restore_catalog():
    """Drop what tests added to the catalog, and load the seed over the rest."""
    from tests.conftest import reset_data

    with models.db.connection_context():
        reset_data()
        sectors, sections, services, branches = seed_codes()
        with models.db.atomic():
            models.BranchDayService.delete().execute()
            models.BranchDay.delete().execute()
            models.Holiday.delete().execute()
            models.BranchService.delete().where(
                models.BranchService.service.in_(
                    models.Service.select(models.Service.id).where(models.Service.code.not_in(list(services)))
                )
                | models.BranchService.branch.in_(
                    models.Branch.select(models.Branch.id).where(models.Branch.code.not_in(list(branches)))
                )
            ).execute()
            models.Service.delete().where(models.Service.code.not_in(list(services))).execute()
            models.Section.delete().where(models.Section.code.not_in(list(sections))).execute()
            models.Branch.delete().where(models.Branch.code.not_in(list(branches))).execute()
            models.Sector.delete().where(models.Sector.code.not_in(list(sectors))).execute()
        load_catalog()
