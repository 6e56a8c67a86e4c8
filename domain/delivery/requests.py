"""The beneficiary's side of a delivery: the documents ready for it, requesting one,
changing its address, and what the beneficiary's pages read.

Each change is one write transaction that records an event and tells the
beneficiary; the caller passes ``track_link``, a delivery -> URL of its tracking page.
"""

from datetime import date

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from peewee import IntegrityError, ModelSelect

from domain import counts
from domain.dates import add_working_days, format_dual, today
from domain.delivery import bills, pipeline
from domain.delivery.moves import TrackLink, max_attempts
from domain.delivery.tracking import next_tracking_number
from domain.errors import Conflict, Refused
from domain.notifier import notify
from domain.reports import deliveries as delivery_tallies
from domain.requests import holidays
from domain.tokens import already_submitted, valid_token
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


def ready_documents(user: User) -> ModelSelect:
    """The person's documents ready to be delivered, newest first, with their branch."""
    return (
        Document.select(Document, DocumentType, Branch)
        .join(DocumentType)
        .switch(Document)
        .join(Branch)
        .where((Document.user == user) & (Document.status == DocumentStatus.READY))
        .order_by(Document.issued_at.desc(), Document.id)
    )


def deliveries_of(user: User) -> ModelSelect:
    """The person's deliveries, newest first."""
    return (
        Delivery.select(Delivery, Document, DocumentType)
        .join(Document)
        .join(DocumentType)
        .where(Delivery.user == user)
        .order_by(Delivery.created_at.desc(), Delivery.id.desc())
    )


def own_document(user: User, document_id: int) -> Document | None:
    """The person's document with its type, or None (another person's too)."""
    return (
        Document.select(Document, DocumentType)
        .join(DocumentType)
        .where((Document.id == document_id) & (Document.user == user))
        .first()
    )


def own_delivery(user: User, delivery_id: int) -> Delivery | None:
    """The person's delivery with its document, or None (another person's too)."""
    return (
        Delivery.select(Delivery, Document, DocumentType)
        .join(Document)
        .join(DocumentType)
        .where((Delivery.id == delivery_id) & (Delivery.user == user))
        .first()
    )


def branch_of(delivery: Delivery) -> Branch:
    """The branch the delivery's document is kept at, where it can be collected."""
    return Branch.select(Branch).join(Document).where(Document.id == delivery.document_id).get()


def history(delivery: Delivery) -> ModelSelect:
    """The delivery's events, oldest first, with their authors."""
    return (
        DeliveryEvent.select(DeliveryEvent, User)
        .join(User)
        .where(DeliveryEvent.delivery == delivery)
        .order_by(DeliveryEvent.created_at, DeliveryEvent.id)
    )


def saved_addresses(user: User) -> ModelSelect:
    """The addresses the person kept in the profile, newest first."""
    return (
        SavedAddress.select(SavedAddress, City)
        .join(City)
        .where(SavedAddress.user == user)
        .order_by(SavedAddress.created_at.desc(), SavedAddress.id.desc())
    )


def refusal_for_document(document: Document) -> LazyString:
    """Why this document cannot be requested for delivery, as a message to show."""
    if document.status == DocumentStatus.IN_DELIVERY:
        return _l("This document already has a delivery in progress.")
    if document.status in (DocumentStatus.DELIVERED, DocumentStatus.COLLECTED):
        return _l("This document has already been delivered or collected; it cannot be requested again.")
    return _l("This document is not ready for delivery.")


def _address_values(cleaned):
    """Model values of a checked address: the city code becomes the City row."""
    values = {name: cleaned[name] for name in ADDRESS_COLUMNS}
    values["city"] = City.get(City.code == cleaned["city"])
    return values


def _save_address(user, values):
    """Keep the address in the profile, replacing one with the same short address."""
    saved = SavedAddress.get_or_none(
        (SavedAddress.user == user) & (SavedAddress.short_address == values["short_address"])
    )
    if saved is None:
        return SavedAddress.create(user=user, **values)
    for name, value in values.items():
        setattr(saved, name, value)
    saved.save()
    return saved


def request_delivery(
    user: User,
    document: Document,
    cleaned: dict[str, str],
    token: str | None,
    *,
    save_address: bool = False,
    track_link: TrackLink,
) -> tuple[Delivery, bool]:
    """Create the delivery of a ready document and its SADAD bill; return (delivery, created).

    The delivery waits «بانتظار السداد» until the bill is paid. The same
    submission token twice (a double click) returns the first delivery. With
    ``save_address`` the address is also kept in the profile, in the same
    transaction. Refused when the document is not ready.
    """
    token = valid_token(token)
    done = already_submitted(Delivery, token, user)
    if done:
        return done, False
    number = next_tracking_number()
    bill_number = bills.next_bill_number()
    fee = bills.fee()
    values = _address_values(cleaned)
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
                status=DeliveryStatus.AWAITING_PAYMENT,
                # Whole riyals, as deliveries before SADAD bills kept it; the bill has the exact amount.
                fee_sar=int(fee),
                submission_token=token,
                active_document=document.id,
                **values,
            )
            DeliveryEvent.create(delivery=delivery, author=user, to_status=DeliveryStatus.AWAITING_PAYMENT)
            if save_address:
                _save_address(user, values)
            bills.issue(delivery, bill_number, track_link(delivery))
            counts.added(counts.DELIVERY, delivery.city_id, DeliveryStatus.AWAITING_PAYMENT)
            delivery_tallies.requested(delivery)
    except (Refused, IntegrityError):
        done = already_submitted(Delivery, token, user)
        if done:
            return done, False
        raise
    return delivery, True


def change_address(
    delivery: Delivery,
    version: int | None,
    author: User,
    cleaned: dict[str, str],
    *,
    track_link: TrackLink,
) -> Delivery:
    """Send the delivery to another address: before Saudi Post has it, or after a failed attempt
    that was not the last (a corrected address for the next one).

    Refused otherwise; Conflict when it changed since ``version``.
    """
    values = _address_values(cleaned)
    with write_transaction():
        # The city the delivery is counted under until now: the version guard
        # below makes sure nothing moved it between this read and the update.
        before = Delivery.get_by_id(delivery.id)
        updated = (
            Delivery.update(version=Delivery.version + 1, updated_at=utcnow(), **values)
            .where(
                (Delivery.id == delivery.id)
                & (Delivery.version == version)
                & (Delivery.version == before.version)
                & (
                    Delivery.status.in_(pipeline.CHANGEABLE)
                    | ((Delivery.status == DeliveryStatus.FAILED) & (Delivery.attempts < max_attempts()))
                )
            )
            .execute()
        )
        current = Delivery.get_by_id(delivery.id)
        if not updated:
            if not address_changeable(current):
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
            link=track_link(current),
        )
        if current.city_id != before.city_id:
            counts.moved(counts.DELIVERY, before.city_id, current.status, current.status, to_scope=current.city_id)
    return current


def address_changeable(delivery: Delivery) -> bool:
    """Whether the beneficiary may give another address now."""
    return pipeline.is_changeable(delivery.status) or pipeline.may_rearrange(
        delivery.status, delivery.attempts, max_attempts()
    )


NEXT_DAYS = 5


def days_for_next_attempt() -> list[date]:
    """The working days the next attempt may be asked for: the next five, from tomorrow (no holiday)."""
    start, closed = today(), holidays()
    return [add_working_days(start, n, closed) for n in range(1, NEXT_DAYS + 1)]


def choose_day(
    delivery: Delivery, version: int | None, author: User, day: date | None, *, track_link: TrackLink
) -> Delivery:
    """Ask for the next attempt on one of ``days_for_next_attempt``, after a failed attempt that was not the last.

    Refused for another day or another moment; Conflict when it changed since ``version``.
    """
    if day not in days_for_next_attempt():
        raise Refused(_l("Choose one of the days offered."), "day")
    with write_transaction():
        updated = (
            Delivery.update(preferred_day=day, version=Delivery.version + 1, updated_at=utcnow())
            .where(
                (Delivery.id == delivery.id)
                & (Delivery.version == version)
                & (Delivery.status == DeliveryStatus.FAILED)
                & (Delivery.attempts < max_attempts())
            )
            .execute()
        )
        current = Delivery.get_by_id(delivery.id)
        if not updated:
            if not pipeline.may_rearrange(current.status, current.attempts, max_attempts()):
                raise Refused(_l("A day can be chosen only after a failed attempt that was not the last."))
            raise Conflict(current)
        words = LazyString(format_dual, day)
        DeliveryEvent.create(
            delivery=current,
            author=author,
            kind="day",
            from_status=current.status,
            to_status=current.status,
            note=str(_l("The next attempt was asked for %(day)s.", day=words)),
        )
        notify(
            current.user,
            _l("Delivery %(ref)s: the next attempt will be on %(day)s.", ref=current.tracking_number, day=words),
            link=track_link(current),
        )
    return current
