"""What changes a delivery: requesting it, moving it along the pipeline,
changing its address. Each change is one write transaction that records an
event and tells the beneficiary."""

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from peewee import IntegrityError, fn

from domain.dates import riyadh_day_bounds
from domain.delivery import pipeline
from domain.delivery.tracking import next_tracking_number
from domain.identity import normalize_digits
from domain.notifier import notify
from models import (
    Branch,
    City,
    Delivery,
    DeliveryEvent,
    DeliveryStatus,
    Document,
    DocumentStatus,
    DocumentType,
    SavedAddress,
    User,
    utcnow,
    write_transaction,
)

ADDRESS_COLUMNS = (
    "short_address",
    "building_number",
    "street",
    "district",
    "postal_code",
    "additional_number",
    "mobile",
)


class Refused(Exception):
    """The pipeline or the document's state does not allow this; ``message`` says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class Conflict(Exception):
    """Someone changed the delivery first; ``current`` is how it stands now."""

    def __init__(self, current):
        super().__init__(current.status)
        self.current = current


def max_attempts():
    return current_app.config["DELIVERY_MAX_ATTEMPTS"]


def fee():
    return current_app.config["DELIVERY_FEE_SAR"]


def address_values(cleaned):
    """Model values of a checked address: the city code becomes the City row."""
    values = {name: cleaned[name] for name in ADDRESS_COLUMNS}
    values["city"] = City.get(City.code == cleaned["city"])
    return values


def ready_documents(user):
    return (
        Document.select(Document, DocumentType, Branch)
        .join(DocumentType)
        .switch(Document)
        .join(Branch)
        .where((Document.user == user) & (Document.status == DocumentStatus.READY))
        .order_by(Document.issued_at.desc(), Document.id)
    )


def deliveries_of(user):
    return (
        Delivery.select(Delivery, Document, DocumentType)
        .join(Document)
        .join(DocumentType)
        .where(Delivery.user == user)
        .order_by(Delivery.created_at.desc(), Delivery.id.desc())
    )


def history(delivery):
    """The delivery's events, oldest first, with their authors."""
    return (
        DeliveryEvent.select(DeliveryEvent, User)
        .join(User)
        .where(DeliveryEvent.delivery == delivery)
        .order_by(DeliveryEvent.created_at, DeliveryEvent.id)
    )


def _tell(delivery, target, note=""):
    link = url_for("delivery.track", delivery_id=delivery.id)
    if target == DeliveryStatus.FAILED:
        message = _l(
            "Delivery %(ref)s could not be delivered: %(reason)s. You may collect the document "
            "at the branch instead of waiting for the next attempt.",
            ref=delivery.tracking_number,
            reason=note,
        )
    else:
        message = _l("Delivery %(ref)s: %(status)s.", ref=delivery.tracking_number, status=pipeline.label(target))
    notify(delivery.user, message, link=link)


def refusal_for_document(document):
    if document.status == DocumentStatus.IN_DELIVERY:
        return _l("This document already has a delivery in progress.")
    if document.status in (DocumentStatus.DELIVERED, DocumentStatus.COLLECTED):
        return _l("This document has already been delivered or collected; it cannot be requested again.")
    return _l("This document is not ready for delivery.")


def request_delivery(user, document, cleaned, token):
    """Create the delivery of a ready document; return (delivery, created).

    The same submission token twice (a double click) returns the first delivery.
    """
    if token:
        existing = Delivery.get_or_none((Delivery.submission_token == token) & (Delivery.user == user))
        if existing:
            return existing, False
    number = next_tracking_number()
    try:
        with write_transaction():
            # The guard in the WHERE clause is what keeps one delivery per document.
            taken = (
                Document.update(status=DocumentStatus.IN_DELIVERY)
                .where(
                    (Document.id == document.id) & (Document.user == user) & (Document.status == DocumentStatus.READY)
                )
                .execute()
            )
            if not taken:
                raise Refused(refusal_for_document(Document.get_by_id(document.id)))
            delivery = Delivery.create(
                tracking_number=number,
                document=document,
                user=user,
                status=DeliveryStatus.RECEIVED,
                fee_sar=fee(),
                submission_token=token or None,
                active_document=document.id,
                **address_values(cleaned),
            )
            DeliveryEvent.create(delivery=delivery, author=user, to_status=DeliveryStatus.RECEIVED)
            _tell(delivery, DeliveryStatus.RECEIVED)
    except (Refused, IntegrityError):
        existing = token and Delivery.get_or_none((Delivery.submission_token == token) & (Delivery.user == user))
        if existing:
            return existing, False
        raise
    return delivery, True


def move(delivery_id, version, target, author, actor, note=""):
    """Move a delivery to the next status if the pipeline allows it.

    ``version`` is the one the person saw: if the delivery changed since,
    Conflict is raised and nothing is written.
    """
    note = (note or "").strip()
    with write_transaction():
        delivery = Delivery.get_by_id(delivery_id)
        if version is not None and delivery.version != version:
            raise Conflict(delivery)
        problem = pipeline.refusal(delivery.status, target, actor, delivery.attempts, max_attempts(), note)
        if problem:
            raise Refused(problem)
        changes = {
            Delivery.status: target,
            Delivery.version: delivery.version + 1,
            Delivery.updated_at: utcnow(),
        }
        if target == DeliveryStatus.OUT_FOR_DELIVERY:
            changes[Delivery.attempts] = delivery.attempts + 1
        if target in DeliveryStatus.FINISHED:
            changes[Delivery.active_document] = None
        updated = (
            Delivery.update(changes)
            .where((Delivery.id == delivery.id) & (Delivery.version == delivery.version))
            .execute()
        )
        if not updated:
            raise Conflict(Delivery.get_by_id(delivery.id))
        DeliveryEvent.create(delivery=delivery, author=author, from_status=delivery.status, to_status=target, note=note)
        document_status = pipeline.document_status_after(target)
        if document_status:
            Document.update(status=document_status).where(
                (Document.id == delivery.document_id) & (Document.status == DocumentStatus.IN_DELIVERY)
            ).execute()
        delivery = Delivery.get_by_id(delivery.id)
        _tell(delivery, target, note)
    return delivery


def move_many(items, target, author, actor, note=""):
    """Move several deliveries (id, version) to the same status; return (moved, refused)."""
    moved, refused = [], []
    for delivery_id, version in items:
        try:
            moved.append(move(delivery_id, version, target, author, actor, note))
        except (Refused, Conflict, Delivery.DoesNotExist):
            refused.append(delivery_id)
    return moved, refused


def change_address(delivery, version, author, cleaned):
    """Send the delivery to another address, only before Saudi Post has it."""
    with write_transaction():
        updated = (
            Delivery.update(version=Delivery.version + 1, updated_at=utcnow(), **address_values(cleaned))
            .where(
                (Delivery.id == delivery.id) & (Delivery.version == version) & Delivery.status.in_(pipeline.CHANGEABLE)
            )
            .execute()
        )
        current = Delivery.get_by_id(delivery.id)
        if not updated:
            if not pipeline.is_changeable(current.status):
                raise Refused(
                    _l(
                        "The address can no longer be changed: the delivery is «%(status)s».",
                        status=pipeline.label(current.status),
                    )
                )
            raise Conflict(current)
        DeliveryEvent.create(
            delivery=current,
            author=author,
            kind="address",
            from_status=current.status,
            to_status=current.status,
            note=str(_l("The delivery address was changed.")),
        )
        notify(
            current.user,
            _l("The address of delivery %(ref)s was changed.", ref=current.tracking_number),
            link=url_for("delivery.track", delivery_id=current.id),
        )
    return current


def save_address(user, cleaned):
    """Keep the address in the profile, replacing one with the same short address."""
    values = address_values(cleaned)
    with write_transaction():
        saved = SavedAddress.get_or_none(
            (SavedAddress.user == user) & (SavedAddress.short_address == values["short_address"])
        )
        if saved is None:
            return SavedAddress.create(user=user, **values)
        for name, value in values.items():
            setattr(saved, name, value)
        saved.save()
        return saved


def saved_addresses(user):
    return (
        SavedAddress.select(SavedAddress, City)
        .join(City)
        .where(SavedAddress.user == user)
        .order_by(SavedAddress.created_at.desc(), SavedAddress.id.desc())
    )


# --- The officer's list ----------------------------------------------------

PAGE_SIZE = 15


def officer_query(city=None, day=None, search=None):
    """Deliveries matching the filters other than status."""
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


def officer_page(status=None, city=None, day=None, search=None, after=None, size=PAGE_SIZE):
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


def officer_counts(city=None, day=None, search=None):
    """How many deliveries are in each status, under the same filters."""
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


def returned_to_branch(branch):
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
