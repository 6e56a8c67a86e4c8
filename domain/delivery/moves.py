"""Moving a delivery along the pipeline, for the officer, the branch desk and the
beneficiary alike, and telling the beneficiary of each step."""

from collections.abc import Callable

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from domain import audit, counts
from domain.delivery import bills, handover, pipeline
from domain.delivery.handover import Proof
from domain.errors import Conflict, Refused
from domain.notifier import notify
from domain.reports import deliveries as delivery_tallies
from models import (
    Delivery,
    DeliveryEvent,
    DeliveryStatus,
    Document,
    DocumentStatus,
    Role,
    User,
    utcnow,
    write_transaction,
)

# A delivery -> the URL of its tracking page. The views make it, the domain
# puts what it returns in notifications.
TrackLink = Callable[[Delivery], str]


def max_attempts() -> int:
    """How many times Saudi Post tries to deliver before the document goes back to the branch."""
    return current_app.config["DELIVERY_MAX_ATTEMPTS"]


def tell(
    delivery: Delivery, target: str, track_link: TrackLink, note: str = "", code: str = "", reason: str = ""
) -> None:
    """Tell the beneficiary that the delivery reached ``target``, with a link to track it."""
    if target == DeliveryStatus.OUT_FOR_DELIVERY and code:
        message = _l(
            "Delivery %(ref)s is out for delivery. Give the courier the delivery code %(code)s, and nobody else.",
            ref=delivery.tracking_number,
            code=code,
        )
    elif target == DeliveryStatus.RECEIVED:
        message = _l(
            "The fee of delivery %(ref)s is paid; the request is received and will be prepared.",
            ref=delivery.tracking_number,
        )
    elif target == DeliveryStatus.PAYMENT_EXPIRED:
        message = _l(
            "The SADAD bill of delivery %(ref)s was not paid in time and has expired. "
            "The document is at the branch; you may request its delivery again.",
            ref=delivery.tracking_number,
        )
    elif target == DeliveryStatus.FAILED:
        message = _l(
            "Delivery %(ref)s could not be delivered: %(reason)s. You may collect the document "
            "at the branch instead of waiting for the next attempt.",
            ref=delivery.tracking_number,
            reason=failure_words(reason, note),
        )
    else:
        message = _l("Delivery %(ref)s: %(status)s.", ref=delivery.tracking_number, status=pipeline.label(target))
    notify(delivery.user, message, link=track_link(delivery))


def failure_words(reason: str, note: str) -> LazyString | str:
    """A failure's reason and note as the beneficiary reads them."""
    if reason == pipeline.OTHER or not reason:
        return note
    if note:
        return _l("%(reason)s (%(note)s)", reason=pipeline.reason_label(reason), note=note)
    return pipeline.reason_label(reason)


def move(
    delivery_id: int,
    version: int | None,
    target: str,
    author: User,
    actor: str,
    note: str = "",
    *,
    track_link: TrackLink,
    proof: Proof | None = None,
    reason: str = "",
    also: Callable[[Delivery], None] | None = None,
) -> Delivery:
    """Move a delivery to the next status if the pipeline allows it.

    ``version`` is the one the person saw: if the delivery changed since,
    Conflict is raised and nothing is written; Refused when the pipeline says no.
    «تم التسليم» needs ``proof`` (``domain.delivery.handover``); a wrong one
    spends a try, which stays spent though the move is refused. «تعذر التسليم»
    needs ``reason``, one of ``pipeline.FAILURE_REASONS``. ``also`` writes
    what else belongs to the move, in its transaction.
    """
    note = (note or "").strip()
    if target == DeliveryStatus.DELIVERED:
        proof = handover.cleaned(proof or Proof())
        if actor == pipeline.CARRIER and proof.kind != handover.CODE:
            raise Refused(_l("Saudi Post proves a delivery with the delivery code."), "proof_incomplete")
        check_handover(delivery_id, version, target, actor, proof)
        if proof.kind == handover.ID_DIGITS:
            note = proof.reason
    with write_transaction():
        delivery = Delivery.get_by_id(delivery_id)
        # A form without the version it was made from cannot prove it saw the delivery as it is.
        if version is None or delivery.version != version:
            raise Conflict(delivery)
        problem = pipeline.refusal(delivery.status, target, actor, delivery.attempts, max_attempts(), note, reason)
        if problem:
            raise Refused(problem)
        if target != DeliveryStatus.FAILED:
            reason = ""
        changes = {
            Delivery.status: target,
            Delivery.version: delivery.version + 1,
            Delivery.updated_at: utcnow(),
        }
        code = ""
        if target == DeliveryStatus.OUT_FOR_DELIVERY:
            changes[Delivery.attempts] = delivery.attempts + 1
            code = handover.new_code()
            changes[Delivery.handover_code_hash] = handover.digest(delivery.id, code)
            changes[Delivery.handover_tries] = 0
            changes[Delivery.preferred_day] = None
        if target in DeliveryStatus.FINISHED:
            changes[Delivery.active_document] = None
        updated = (
            Delivery.update(changes)
            .where((Delivery.id == delivery.id) & (Delivery.version == delivery.version))
            .execute()
        )
        if not updated:
            raise Conflict(Delivery.get_by_id(delivery.id))
        proven = {}
        if target == DeliveryStatus.DELIVERED:
            proven = dict(proof=proof.kind, old_document_collected=proof.old_document_collected)
        step = DeliveryEvent.create(
            delivery=delivery,
            author=author,
            from_status=delivery.status,
            to_status=target,
            note=note,
            reason=reason,
            **proven,
        )
        if author.role in Role.STAFF:
            after = f"{target} ({proof.kind})" if proven else target
            audit.record(author, "delivery.status", "delivery", delivery.tracking_number, delivery.status, after)
        if target == DeliveryStatus.CANCELLED:
            bills.close_on_cancel(delivery)
        document_status = pipeline.document_status_after(target)
        if document_status:
            Document.update(status=document_status).where(
                (Document.id == delivery.document_id) & (Document.status == DocumentStatus.IN_DELIVERY)
            ).execute()
        previous_status = delivery.status
        delivery = Delivery.get_by_id(delivery.id)
        if also is not None:
            also(delivery)
        tell(delivery, target, track_link, note, code, reason)
        # Last, so that the summary rows every move shares are held for the shortest time.
        counts.moved(counts.DELIVERY, delivery.city_id, previous_status, target)
        delivery_tallies.moved(delivery, target, step.created_at, reason)
    return delivery


def check_handover(delivery_id: int, version: int | None, target: str, actor: str, proof: Proof) -> None:
    """Refuse «تم التسليم» without a complete, right proof; a complete entry spends one try first."""
    current = Delivery.get_by_id(delivery_id)
    if version is None or current.version != version:
        raise Conflict(current)
    problem = pipeline.refusal(current.status, target, actor, current.attempts, max_attempts())
    if problem:
        raise Refused(problem)
    problem = handover.incomplete(proof)
    if problem:
        raise Refused(problem, "proof_incomplete")
    if not handover.take_try(delivery_id):
        raise Refused(handover.locked(), "proof_locked")
    problem = handover.mismatch(current, proof)
    if problem:
        raise Refused(problem, "proof_wrong")


def move_many(
    items: list[tuple[int, int]],
    target: str,
    author: User,
    actor: str,
    note: str = "",
    *,
    track_link: TrackLink,
    reason: str = "",
) -> tuple[list[Delivery], list[int]]:
    """Move several deliveries (id, version) to the same status; return (moved, refused ids)."""
    moved, refused = [], []
    for delivery_id, version in items:
        try:
            moved.append(move(delivery_id, version, target, author, actor, note, track_link=track_link, reason=reason))
        except (Refused, Conflict, Delivery.DoesNotExist):
            refused.append(delivery_id)
    return moved, refused
