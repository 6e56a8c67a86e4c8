"""What the staff work from: the delivery officer's list (by status, city, date and
search, a page at a time, with counts per status) and the documents returned to a
branch desk."""

import re
from datetime import date

from peewee import ModelSelect, fn

from domain import counts
from domain.dates import riyadh_day_bounds
from domain.delivery import pipeline, tracking
from domain.delivery.moves import max_attempts
from domain.identity import normalize_digits
from models import Branch, City, Delivery, DeliveryStatus, Document, DocumentType, SadadBill, User

PAGE_SIZE = 15
NATIONAL_ID = re.compile(r"[0-9]{10}")


def city_id(code: str) -> int | None:
    """The id of the city with this code; 0 (no city) for an unknown code."""
    return City.select(City.id).where(City.code == code).scalar() or 0


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
    return filtered(query, city, day, search)


def filtered(query: ModelSelect, city: str | None, day: date | None, search: str | None) -> ModelSelect:
    """The query narrowed to the officer's filters; each one reads an index of the deliveries."""
    if city:
        query = query.where(Delivery.city == city_id(city))
    if day:
        start, end = riyadh_day_bounds(day)
        query = query.where((Delivery.created_at >= start) & (Delivery.created_at < end))
    search = normalize_digits(search or "").replace(" ", "").upper()
    if NATIONAL_ID.fullmatch(search):
        # Ten digits are no part of a tracking number (eight digits and a check digit).
        query = query.where(Delivery.user.in_(User.select(User.id).where(User.national_id == search)))
    elif tracking.PATTERN.fullmatch(search):
        query = query.where(Delivery.tracking_number == search)
    elif search:
        # A part of a number: the one search that reads every delivery.
        query = query.where(Delivery.tracking_number.contains(search))
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
    """How many deliveries are in each status, under the same filters ("" counts them all).

    By city or in all, the summary rows of domain/counts.py answer; a day or a
    search narrows the deliveries through an index, and those are counted.
    """
    if day or search:
        query = filtered(Delivery.select(), city, day, search)
        counted = dict(query.select(Delivery.status, fn.COUNT(Delivery.id)).group_by(Delivery.status).tuples())
    else:
        counted = counts.by_status(counts.DELIVERY, [city_id(city)] if city else None)
    found = {status: counted.get(status, 0) for status in DeliveryStatus.ALL}
    found[""] = sum(found.values())
    return found


def officer_row(delivery_id: int) -> Delivery | None:
    """A delivery with what its row in the officer's list shows, or None."""
    return officer_query().where(Delivery.id == delivery_id).first()


def next_statuses(delivery: Delivery) -> list[str]:
    """The statuses the officer may move this delivery to now."""
    return pipeline.allowed_next(delivery.status, pipeline.OFFICER, delivery.attempts, max_attempts())


def refund_due(delivery: Delivery) -> SadadBill | None:
    """The bill whose fee is owed back, for a delivery cancelled after payment; else None."""
    if delivery.status != DeliveryStatus.CANCELLED:
        return None
    return SadadBill.get_or_none((SadadBill.delivery == delivery) & SadadBill.refund_due_at.is_null(False))


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
