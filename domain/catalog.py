"""Load the catalog (regions, sectors, services, branches) from data/catalog.json."""

import json
import os
from datetime import date

from models import (
    Branch,
    BranchService,
    City,
    DocumentType,
    Holiday,
    Region,
    Section,
    Sector,
    Service,
    db,
)

CATALOG_PATH = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "catalog.json")


def _upsert(model, code, **fields):
    """Create the record with this code, or bring an existing one up to date."""
    record = model.get_or_none(model.code == code)
    if record is None:
        return model.create(code=code, **fields)
    changed = {name: value for name, value in fields.items() if getattr(record, name) != value}
    if changed:
        for name, value in changed.items():
            setattr(record, name, value)
        record.save()
    return record


def _names(entry, position):
    return {"name_ar": entry["name_ar"], "name_en": entry["name_en"], "position": position}


def load_catalog(path: str = CATALOG_PATH) -> None:
    """Load or refresh the catalog; running it twice changes nothing."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    with db.atomic():
        cities = {}
        for r_pos, region_entry in enumerate(data["regions"]):
            region = _upsert(Region, region_entry["code"], **_names(region_entry, r_pos))
            for c_pos, city_entry in enumerate(region_entry["cities"]):
                cities[city_entry["code"]] = _upsert(
                    City, city_entry["code"], region=region, **_names(city_entry, c_pos)
                )
        sectors = {}
        for s_pos, sector_entry in enumerate(data["sectors"]):
            sector = _upsert(Sector, sector_entry["code"], **_names(sector_entry, s_pos))
            sectors[sector.code] = sector
            services = _load_sections(sector, sector_entry["sections"])
            _load_branches(sector, sector_entry["branches"], services, cities)
        for t_pos, type_entry in enumerate(data["document_types"]):
            _upsert(
                DocumentType,
                type_entry["code"],
                sector=sectors[type_entry["sector"]],
                **_names(type_entry, t_pos),
            )
        for entry in data["holidays"]:
            day = date.fromisoformat(entry["date"])
            if not Holiday.select().where((Holiday.date == day) & Holiday.branch.is_null()).exists():
                Holiday.create(date=day, name_ar=entry["name_ar"], name_en=entry["name_en"])


def _load_sections(sector, section_entries):
    services = {}
    position = 0
    for sec_pos, section_entry in enumerate(section_entries):
        section = _upsert(Section, section_entry["code"], sector=sector, **_names(section_entry, sec_pos))
        for service_entry in section_entry["services"]:
            services[service_entry["code"]] = _upsert(
                Service,
                service_entry["code"],
                section=section,
                sector=sector,
                response_days=service_entry.get("response_days", 7),
                slot_minutes=service_entry.get("slot_minutes", 15),
                slot_capacity=service_entry.get("slot_capacity", 3),
                requirements_ar=service_entry.get("requirements_ar", ""),
                requirements_en=service_entry.get("requirements_en", ""),
                **_names(service_entry, position),
            )
            position += 1
    return services


def _load_branches(sector, branch_entries, services, cities):
    for b_pos, entry in enumerate(branch_entries):
        branch = _upsert(
            Branch,
            entry["code"],
            sector=sector,
            city=cities[entry["city"]],
            address_ar=entry.get("address_ar", ""),
            address_en=entry.get("address_en", ""),
            opens=entry.get("opens", "07:30"),
            closes=entry.get("closes", "14:30"),
            **_names(entry, b_pos),
        )
        offered = services.values() if entry["services"] == "all" else [services[c] for c in entry["services"]]
        wanted = {service.id for service in offered}
        existing = {row.service_id for row in BranchService.select().where(BranchService.branch == branch)}
        for service_id in wanted - existing:
            BranchService.create(branch=branch, service=service_id)
        if existing - wanted:
            BranchService.delete().where(
                (BranchService.branch == branch) & BranchService.service.in_(existing - wanted)
            ).execute()


def national_holidays() -> set[date]:
    """The nationwide days off, as a set of dates."""
    return {row.date for row in Holiday.select(Holiday.date).where(Holiday.branch.is_null())}
