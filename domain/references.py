"""Human-readable reference numbers: a prefix, the Hijri year and a sequence."""

from peewee import fn

from domain.dates import hijri_year
from models import ReferenceCounter, write_transaction


def next_reference(kind: str, prefix: str, width: int = 6) -> str:
    """Hand out the next number of a kind, e.g. «M1448-000042».

    The counter is bumped by a single UPDATE inside a write transaction, so two
    requests at once never get the same number.
    """
    year = hijri_year()
    with write_transaction():
        updated = (
            ReferenceCounter.update(value=ReferenceCounter.value + 1)
            .where((ReferenceCounter.name == kind) & (ReferenceCounter.year == year))
            .execute()
        )
        if not updated:
            ReferenceCounter.insert(name=kind, year=year, value=1).on_conflict(
                conflict_target=[ReferenceCounter.name, ReferenceCounter.year],
                update={ReferenceCounter.value: ReferenceCounter.value + 1},
            ).execute()
        value = (
            ReferenceCounter.select(fn.MAX(ReferenceCounter.value))
            .where((ReferenceCounter.name == kind) & (ReferenceCounter.year == year))
            .scalar()
        )
    return f"{prefix}{year}-{value:0{width}d}"
