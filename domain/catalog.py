"""The catalog (regions, cities, sectors, sections, services, branches): loading it, and its cache.

Every process keeps one copy of the catalog (``current()``), read in a few
queries the first time a request needs it. Whoever changes the catalog calls
``invalidate()``: it drops this process's copy and bumps the version row in
``catalog_version``, which the other processes compare with theirs at most
once per request (``new_request()``) and at least every ``CHECK_SECONDS``.

The records of the copy are shared by every request and thread of the
process. Read them, pass them to queries; never change them: ``save()`` and
``delete_instance()`` refuse (``models.ReadOnlyCopy``). Read the row afresh
to change it.
"""

import json
import os
import threading
import time
from datetime import date
from itertools import groupby

from models import (
    Branch,
    BranchDay,
    BranchDayService,
    BranchService,
    CatalogVersion,
    City,
    DocumentType,
    Holiday,
    Prepared,
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
            sector = _upsert(Sector, sector_entry["code"], active=True, **_names(sector_entry, s_pos))
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
        invalidate()


def _load_sections(sector, section_entries):
    services = {}
    position = 0
    for sec_pos, section_entry in enumerate(section_entries):
        section = _upsert(Section, section_entry["code"], sector=sector, active=True, **_names(section_entry, sec_pos))
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
                bookable=service_entry.get("bookable", True),
                accepts_requests=service_entry.get("accepts_requests", True),
                active=True,
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
            active=True,
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


def seed_catalog(path: str = CATALOG_PATH) -> bool:
    """Load data/catalog.json into a database that has no catalog yet; True when it did.

    Once there is a catalog, «الإدارة» keeps it: the file never overwrites what an administrator changed.
    """
    if Sector.select().exists():
        return False
    load_catalog(path)
    return True


def national_holidays() -> set[date]:
    """The nationwide days off, as a set of dates."""
    return {row.date for row in Holiday.select(Holiday.date).where(Holiday.branch.is_null())}


# --- The cache -------------------------------------------------------------------------

# How old this process's knowledge of the catalog version may grow outside requests.
CHECK_SECONDS = 5.0


class Catalog:
    """One read of the whole catalog, with the lookups the pages make.

    Every record has its relations (a service's section and sector, a
    branch's city and sector, a city's region) set, so following them runs no
    query.
    """

    def __init__(self, version):
        self.version = version
        self.database = db.obj
        self.regions = _shared(Region.select().order_by(Region.position, Region.id))
        region_of = {region.id: region for region in self.regions}
        cities = _shared(City.select().order_by(City.position, City.id))
        for city in cities:
            city.region = region_of[city.region_id]
        city_of = {city.id: city for city in cities}
        self.all_sectors = _shared(Sector.select().order_by(Sector.position, Sector.id))
        sector_of = {sector.id: sector for sector in self.all_sectors}
        # What a beneficiary may choose for something new; retired records stay on the old ones.
        self.sectors = [sector for sector in self.all_sectors if sector.active]
        sections = _shared(Section.select().order_by(Section.position, Section.id))
        for section in sections:
            section.sector = sector_of[section.sector_id]
        section_of = {section.id: section for section in sections}
        services = _shared(Service.select().order_by(Service.position, Service.id))
        for service in services:
            service.section, service.sector = section_of[service.section_id], sector_of[service.sector_id]
        services.sort(key=lambda service: (service.section.position, service.section.id, service.position, service.id))
        all_branches = _shared(Branch.select().order_by(Branch.position, Branch.id))
        branches = [branch for branch in all_branches if branch.active]
        branches.sort(key=lambda branch: (branch.city.position, branch.city.id, branch.position, branch.id))
        for branch in all_branches:
            branch.city, branch.sector = city_of[branch.city_id], sector_of[branch.sector_id]
        self.offered = set(BranchService.select(BranchService.branch, BranchService.service).tuples())
        self._plans = {(day.branch_id, day.weekday): day for day in BranchDay.select()}
        self._day_services = {
            (row.day_id, row.service_id): (row.slot_minutes, row.seats) for row in BranchDayService.select()
        }

        self.sector_by_id = sector_of
        self._sector_by_code = {sector.code: sector for sector in self.sectors}
        self.service_by_id = {service.id: service for service in services}
        self._service_by_code = {service.code: service for service in services}
        self._services_of = {
            sector.id: [s for s in services if s.sector_id == sector.id] for sector in self.all_sectors
        }
        choosable = [s for s in services if s.active and s.section.active and s.sector.active]
        self._choices = {
            "request": [s for s in choosable if s.accepts_requests],
            "booking": [s for s in choosable if s.bookable],
        }
        self._choice_codes = {purpose: {s.code: s for s in items} for purpose, items in self._choices.items()}
        self._region_by_code = {region.code: region for region in self.regions}
        self.branch_by_id = {branch.id: branch for branch in all_branches}
        self._branch_by_code = {branch.code: branch for branch in branches}
        self._branches = branches

    def sector(self, code):
        """The sector with this code, or None."""
        return self._sector_by_code.get(code)

    def services_of(self, sector):
        """The sector's services, retired ones too, by section then position (for reading old records)."""
        return self._services_of.get(sector.id, []) if sector is not None else []

    def choices(self, sector, purpose="request"):
        """The sector's services a beneficiary may choose for a new request or a booking."""
        if sector is None:
            return []
        return [service for service in self._choices[purpose] if service.sector_id == sector.id]

    def service_groups(self, sector, purpose="request"):
        """The sector's services to choose, as (section, [services]) pairs, for <optgroup>s."""
        return [
            (section, list(items)) for section, items in groupby(self.choices(sector, purpose), lambda s: s.section)
        ]

    def service(self, sector, code, purpose="request"):
        """The sector's service with this code that may be chosen, or None (also when another sector gives it)."""
        service = self._choice_codes[purpose].get(code)
        return service if service is not None and sector is not None and service.sector_id == sector.id else None

    def plan(self, branch, service, weekday):
        """(opens, closes, slot minutes, seats) of a service at a branch on a weekday; None when closed that day.

        A weekday without a plan keeps the branch's hours and the service's own slot length and seats.
        """
        day = self._plans.get((branch.id, weekday))
        if day is None:
            return branch.opens, branch.closes, service.slot_minutes, service.slot_capacity
        if not day.is_open:
            return None
        minutes, seats = self._day_services.get((day.id, service.id), (service.slot_minutes, service.slot_capacity))
        return day.opens, day.closes, minutes, seats

    def weekday_plan(self, branch, weekday):
        """The branch's stored plan of that weekday (``BranchDay``), or None."""
        return self._plans.get((branch.id, weekday))

    def opens_on(self, branch, weekday):
        day = self._plans.get((branch.id, weekday))
        return day is None or day.is_open

    def service_by_code(self, code):
        """The service with this code, whichever sector gives it, or None."""
        return self._service_by_code.get(code)

    def region(self, code):
        return self._region_by_code.get(code)

    def branch(self, code):
        return self._branch_by_code.get(code)

    def offers(self, branch, service):
        """True when the branch gives the service."""
        return (branch.id, service.id) in self.offered

    def branches_for(self, sector, service, region):
        """The sector's branches in the region that give the service, by city then position."""
        return [
            branch
            for branch in self._branches
            if branch.sector_id == sector.id and branch.city.region_id == region.id and self.offers(branch, service)
        ]

    def regions_for(self, sector, service):
        """The regions where a branch of the sector gives the service, in catalog order."""
        found = {
            branch.city.region_id
            for branch in self._branches
            if branch.sector_id == sector.id and self.offers(branch, service)
        }
        return [region for region in self.regions if region.id in found]


def _shared(query):
    """The query's records, marked as the cache's shared copies."""
    records = list(query)
    for record in records:
        record._shared = True
    return records


_lock = threading.Lock()
_copy: Catalog | None = None
_checked = threading.local()


# Read once per request: its SQL is written once.
_VERSION_QUERY = Prepared(
    lambda: CatalogVersion.select(CatalogVersion.version).where(CatalogVersion.id == 1).tuples(), parameters=0
)


def _stored_version():
    rows = _VERSION_QUERY.rows()
    return rows[0][0] if rows else None


def _bump_version():
    CatalogVersion.insert(id=1, version=1).on_conflict(
        conflict_target=[CatalogVersion.id], update={CatalogVersion.version: CatalogVersion.version + 1}
    ).execute()


def new_request() -> None:
    """Let the next ``current()`` of this thread compare the catalog version again (once per request)."""
    _checked.at = None


def current() -> Catalog:
    """This process's copy of the catalog, read again when another process changed it."""
    global _copy
    copy, now = _copy, time.monotonic()
    checked_at = getattr(_checked, "at", None)
    fresh = checked_at is not None and now - checked_at < CHECK_SECONDS
    if copy is not None and copy.database is db.obj and fresh:
        return copy
    version = _stored_version()
    _checked.at = now
    if copy is not None and copy.database is db.obj and copy.version == version:
        return copy
    with _lock:
        if _copy is None or _copy.database is not db.obj or _copy.version != version:
            _copy = Catalog(version)
        return _copy


def with_services(rows) -> list:
    """The rows (requests, say), each with its service from this process's copy instead of a join."""
    services = current().service_by_id
    rows = list(rows)
    for row in rows:
        row.service = services.get(row.service_id) or row.service
    return rows


def invalidate() -> None:
    """Forget this process's copy and tell the others theirs is stale; call it after changing the catalog.

    Inside a transaction the version is bumped with the change, and other
    processes see it when it commits.
    """
    global _copy
    _bump_version()
    with _lock:
        _copy = None
