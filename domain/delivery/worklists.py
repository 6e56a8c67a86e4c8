"""What the staff work from: the delivery officer's list (by status, city, date and
search, a page at a time, with counts per status) and the documents returned to a
branch desk."""

from datetime import date

from peewee import ModelSelect, fn

from domain.dates import riyadh_day_bounds
from domain.delivery import pipeline
from domain.delivery.moves import max_attempts
from domain.identity import normalize_digits
from models import Branch, City, Delivery, DeliveryStatus, Document, DocumentType, User

PAGE_SIZE = 15


def officer_query(city: str | None = None, day: date | None = None, search: str | None = None) -> ModelSelect:
    """Deliveries matching the filters other than status, with what their rows show."""
    query = (
        Delivery.select(Delivery, Document, DocumentType, User, City)
        .join(Document)
        .join(DocumentType)
        .switch(Delivery)
        .join(User, on=(Delivery.user == User.id))
        .switch(Delivery)
        .join(City)
    )
    if city:
        query = query.where(City.code == city)
    if day:
        start, end = riyadh_day_bounds(day)
        query = query.where((Delivery.created_at >= start) & (Delivery.created_at < end))
    search = normalize_digits(search or "").replace(" ", "").upper()
    if search:
        query = query.where((Delivery.tracking_number.contains(search)) | (User.national_id == search))
    return query


def officer_page(
    status: str | None = None,
    city: str | None = None,
    day: date | None = None,
    search: str | None = None,
    after: int | None = None,
    size: int = PAGE_SIZE,
) -> tuple[list[Delivery], int | None]:
    """One page of deliveries, newest first; keyset-paginated on the id.

    Returns (rows, next_after): next_after is None on the last page.
    """
    query = officer_query(city, day, search)
    if status:
        query = query.where(Delivery.status == status)
    if after:
        query = query.where(Delivery.id < after)
    rows = list(query.order_by(Delivery.id.desc()).limit(size + 1))
    next_after = rows[size - 1].id if len(rows) > size else None
    return rows[:size], next_after


def officer_counts(city: str | None = None, day: date | None = None, search: str | None = None) -> dict[str, int]:
    """How many deliveries are in each status, under the same filters ("" counts them all)."""
    if city or search:
        query = officer_query(city, day, search)
    else:
        # The joins of officer_query change no count: without a city or a
        # search, count the deliveries alone.
        query = Delivery.select()
        if day:
            start, end = riyadh_day_bounds(day)
            query = query.where((Delivery.created_at >= start) & (Delivery.created_at < end))
    counted = query.select(Delivery.status, fn.COUNT(Delivery.id).alias("count")).group_by(Delivery.status).dicts()
    counts = {status: 0 for status in DeliveryStatus.ALL}
    for row in counted:
        counts[row["status"]] = row["count"]
    counts[""] = sum(counts.values())
    return counts


def officer_row(delivery_id: int) -> Delivery | None:
    """A delivery with what its row in the officer's list shows, or None."""
    return officer_query().where(Delivery.id == delivery_id).first()


def next_statuses(delivery: Delivery) -> list[str]:
    """The statuses the officer may move this delivery to now."""
    return pipeline.allowed_next(delivery.status, pipeline.OFFICER, delivery.attempts, max_attempts())


def returned_to_branch(branch: Branch) -> ModelSelect:
    """Deliveries whose document came back to this branch and waits to be handed over."""
    return (
        Delivery.select(Delivery, Document, DocumentType, User)
        .join(Document)
        .join(DocumentType)
        .switch(Delivery)
        .join(User, on=(Delivery.user == User.id))
        .where((Delivery.status == DeliveryStatus.RETURNED) & (Document.branch == branch))
        .order_by(Delivery.updated_at, Delivery.id)
    )


def returned_delivery(branch: Branch | int, delivery_id: int) -> Delivery | None:
    """A delivery returned to this branch that waits to be handed over, or None."""
    return (
        Delivery.select(Delivery)
        .join(Document)
        .where(
            (Delivery.id == delivery_id) & (Document.branch == branch) & (Delivery.status == DeliveryStatus.RETURNED)
        )
        .first()
    )
