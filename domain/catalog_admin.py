"""The catalog as «الإدارة» runs it: sectors, sections and services, opened, renamed, retired.

Nothing that a request or an appointment names is ever deleted: it is retired,
and leaves the lists a beneficiary chooses from while the records keep it. A
code is given once and never changes (links and the seed file name it). Every
change is audited, guarded by the record's version (two admins editing one
record get a conflict), and drops every process's copy of the catalog in its
own transaction (``catalog.invalidate``), so the next page shows it.
"""

import re

from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from domain import audit, catalog
from domain.errors import Conflict, Refused
from models import Section, Sector, Service, write_transaction

CODE_PATTERN = re.compile(r"[a-z][a-z0-9_]{1,63}")
BAD_CODE = _l("Use 2 to 64 small English letters, digits and underscores, starting with a letter, e.g. passport_renew.")
TAKEN_CODE = _l("This code is already used. Codes are never reused; choose another.")
OTHER_SECTOR = _l("A service stays in its sector. Choose one of its sector's sections.")


def checked_code(code: str) -> str:
    code = (code or "").strip()
    if not CODE_PATTERN.fullmatch(code):
        raise Refused(BAD_CODE, code="code")
    return code


def guarded(model, record, version, **changes):
    """Write the changes only if the record is still at the version the admin saw; the record afresh."""
    try:
        version = int(version)
    except (TypeError, ValueError):
        raise Conflict(model.get_by_id(record.id)) from None
    changes["version"] = model.version + 1
    if not model.update(**changes).where((model.id == record.id) & (model.version == version)).execute():
        raise Conflict(model.get_by_id(record.id))
    return model.get_by_id(record.id)


def describe(record, names) -> str:
    """The audited fields of a record, «name=value» one after another."""
    return "; ".join(f"{name}={getattr(record, name)}" for name in names)[:2000]


def _create(model, kind, admin, fields, names):
    try:
        with write_transaction():
            record = model.create(**fields)
            audit.record(admin, f"{kind}.open", kind, record.code, "", describe(record, names))
            catalog.invalidate()
    except IntegrityError:
        raise Refused(TAKEN_CODE, code="code") from None
    return record


def _change(model, kind, admin, record, version, fields, names):
    with write_transaction():
        before = describe(model.get_by_id(record.id), names)
        changed = guarded(model, record, version, **fields)
        action = "retire" if record.active and not changed.active else "change"
        audit.record(admin, f"{kind}.{action}", kind, record.code, before, describe(changed, names))
        catalog.invalidate()
    return changed


# --- Sectors and sections ------------------------------------------------

SECTOR_FIELDS = ("name_ar", "name_en", "position", "active")


def sectors():
    """Every sector, retired ones too, in catalog order."""
    return list(Sector.select().order_by(Sector.position, Sector.id))


def open_sector(admin, code, name_ar, name_en, position=0):
    return _create(
        Sector,
        "sector",
        admin,
        dict(code=checked_code(code), name_ar=name_ar, name_en=name_en, position=position),
        SECTOR_FIELDS,
    )


def change_sector(admin, sector, version, name_ar, name_en, position, active):
    fields = dict(name_ar=name_ar, name_en=name_en, position=position, active=active)
    return _change(Sector, "sector", admin, sector, version, fields, SECTOR_FIELDS)


SECTION_FIELDS = ("name_ar", "name_en", "position", "active")


def open_section(admin, sector, code, name_ar, name_en, position=0):
    fields = dict(code=checked_code(code), sector=sector, name_ar=name_ar, name_en=name_en, position=position)
    return _create(Section, "section", admin, fields, SECTION_FIELDS)


def change_section(admin, section, version, name_ar, name_en, position, active):
    fields = dict(name_ar=name_ar, name_en=name_en, position=position, active=active)
    return _change(Section, "section", admin, section, version, fields, SECTION_FIELDS)


# --- Services ------------------------------------------------------------

SERVICE_FIELDS = (
    "name_ar",
    "name_en",
    "position",
    "section_id",
    "response_days",
    "requirements_ar",
    "requirements_en",
    "bookable",
    "accepts_requests",
    "slot_minutes",
    "slot_capacity",
    "active",
)


def _service_fields(section, values):
    fields = {name: values[name] for name in SERVICE_FIELDS if name in values and name != "section_id"}
    fields["section"] = section
    return fields


def open_service(admin, section, code, **values):
    """Open a service in a section (and so in the section's sector)."""
    fields = _service_fields(section, values)
    fields.update(code=checked_code(code), sector=section.sector_id)
    return _create(Service, "service", admin, fields, SERVICE_FIELDS)


def change_service(admin, service, version, section, **values):
    """Change what a service is called, takes and asks for; ``active=False`` retires it."""
    if section.sector_id != service.sector_id:
        raise Refused(OTHER_SECTOR, code="section")
    # The branches take the service's usual slots on weekdays without a plan of their own.
    from domain.branches import keep_service_defaults

    with write_transaction():
        current = Service.get_by_id(service.id)
        minutes, seats = (
            values.get("slot_minutes", current.slot_minutes),
            values.get("slot_capacity", current.slot_capacity),
        )
        if (minutes, seats) != (current.slot_minutes, current.slot_capacity):
            keep_service_defaults(current, minutes, seats)
        return _change(Service, "service", admin, service, version, _service_fields(section, values), SERVICE_FIELDS)
