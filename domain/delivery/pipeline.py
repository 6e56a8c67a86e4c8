"""The delivery status pipeline: who may move a delivery from which status to which.

Plain data and functions, no database: ``moves`` asks ``refusal`` before it
writes, and the officer's page offers only ``allowed_next`` statuses.
"""

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from models import DeliveryStatus as S
from models import DocumentStatus

OFFICER = "officer"
DESK = "desk"
BENEFICIARY = "beneficiary"
# The payment provider's signed callback, and the worker's expiry of unpaid bills.
PAYMENT = "payment"
SYSTEM = "system"
# Saudi Post's signed events (``domain.delivery.carrier``).
CARRIER = "carrier"

STATUS_LABELS = {
    S.AWAITING_PAYMENT: _l("Awaiting payment"),
    S.RECEIVED: _l("Delivery request received"),
    S.PREPARING: _l("Being prepared"),
    S.HANDED_TO_POST: _l("Handed to Saudi Post"),
    S.OUT_FOR_DELIVERY: _l("Out for delivery"),
    S.DELIVERED: _l("Delivered"),
    S.FAILED: _l("Delivery failed"),
    S.RETURNED: _l("Returned to the branch"),
    S.COLLECTED: _l("Collected from the branch"),
    S.CANCELLED: _l("Delivery cancelled"),
    S.PAYMENT_EXPIRED: _l("Bill expired unpaid"),
}

# (from, to) -> the actor who may make that move.
TRANSITIONS = {
    (S.AWAITING_PAYMENT, S.RECEIVED): PAYMENT,
    (S.AWAITING_PAYMENT, S.PAYMENT_EXPIRED): SYSTEM,
    (S.AWAITING_PAYMENT, S.CANCELLED): BENEFICIARY,
    (S.RECEIVED, S.PREPARING): OFFICER,
    (S.PREPARING, S.HANDED_TO_POST): OFFICER,
    (S.HANDED_TO_POST, S.OUT_FOR_DELIVERY): OFFICER,
    (S.OUT_FOR_DELIVERY, S.DELIVERED): OFFICER,
    (S.OUT_FOR_DELIVERY, S.FAILED): OFFICER,
    (S.FAILED, S.OUT_FOR_DELIVERY): OFFICER,
    (S.FAILED, S.RETURNED): OFFICER,
    (S.RETURNED, S.COLLECTED): DESK,
    (S.RECEIVED, S.CANCELLED): BENEFICIARY,
    (S.PREPARING, S.CANCELLED): BENEFICIARY,
    # After a failed attempt the beneficiary may choose to collect at the branch.
    (S.FAILED, S.RETURNED, BENEFICIARY): BENEFICIARY,
    # Saudi Post tells of the steps it takes itself, by the same rules as the officer.
    (S.PREPARING, S.HANDED_TO_POST, CARRIER): CARRIER,
    (S.HANDED_TO_POST, S.OUT_FOR_DELIVERY, CARRIER): CARRIER,
    (S.FAILED, S.OUT_FOR_DELIVERY, CARRIER): CARRIER,
    (S.OUT_FOR_DELIVERY, S.DELIVERED, CARRIER): CARRIER,
    (S.OUT_FOR_DELIVERY, S.FAILED, CARRIER): CARRIER,
}

# The statuses an officer can move deliveries to, for the several-rows action: not «تم التسليم»,
# which needs each delivery's own proof (``handover``).
OFFICER_TARGETS = [
    status
    for status in S.ALL
    if status != S.DELIVERED and any(TRANSITIONS.get((source, status)) == OFFICER for source in S.ALL)
]

# Why an attempt failed: a fixed list, so reports can count them; "other" needs a note.
NOBODY_HOME = "nobody_home"
OTHER = "other"
FAILURE_REASONS = {
    NOBODY_HOME: _l("Nobody at the address"),
    "address_not_found": _l("Address not found"),
    "refused": _l("Recipient refused the document"),
    "id_mismatch": _l("The recipient's ID does not match"),
    OTHER: _l("Other (write it in the note)"),
}

# The beneficiary may cancel or change the address only before Saudi Post has it.
CHANGEABLE = (S.AWAITING_PAYMENT, S.RECEIVED, S.PREPARING)


def label(status: str) -> LazyString | str:
    """The status in words (the code itself when it has none)."""
    return STATUS_LABELS.get(status, status)


def _actor_may(current, target, actor):
    return TRANSITIONS.get((current, target)) == actor or (current, target, actor) in TRANSITIONS


def reason_label(reason: str) -> LazyString | str:
    """A failure reason in words (the code itself when it has none)."""
    return FAILURE_REASONS.get(reason, reason)


def refusal(
    current: str,
    target: str,
    actor: str,
    attempts: int = 0,
    max_attempts: int = 3,
    note: str = "",
    reason: str = "",
) -> LazyString | None:
    """Why this move is refused, as a message to show; None when it is allowed.

    ``attempts`` counts the times the delivery has gone out; another attempt
    after a failure needs attempts < max_attempts, and returning the document
    to the branch (by the officer) needs the last attempt to have failed.
    """
    if current == target:
        return _l("The delivery is already «%(status)s».", status=label(current))
    if not _actor_may(current, target, actor):
        return _l(
            "A delivery that is «%(current)s» cannot be moved to «%(target)s».",
            current=label(current),
            target=label(target),
        )
    if current == S.FAILED and target == S.OUT_FOR_DELIVERY and attempts >= max_attempts:
        return _l(
            "All %(count)s delivery attempts have been made; return the document to the branch.",
            count=max_attempts,
        )
    if current == S.FAILED and target == S.RETURNED and actor == OFFICER and attempts < max_attempts:
        return _l(
            "The document goes back to the branch only after the last attempt (%(count)s) fails.",
            count=max_attempts,
        )
    if target == S.FAILED and reason not in FAILURE_REASONS:
        return _l("Choose why the delivery failed.")
    if target == S.FAILED and reason == OTHER and not (note or "").strip():
        return _l("Write the reason the delivery failed.")
    return None


def allowed_next(current: str, actor: str, attempts: int = 0, max_attempts: int = 3) -> list[str]:
    """The statuses this actor may move a delivery to now, in pipeline order."""
    return [
        target
        for target in S.ALL
        if target != current and refusal(current, target, actor, attempts, max_attempts, "-", OTHER) is None
    ]


def is_changeable(status: str) -> bool:
    """True while the beneficiary may still cancel or change the address."""
    return status in CHANGEABLE


def may_rearrange(status: str, attempts: int, max_attempts: int) -> bool:
    """After a failed attempt that was not the last: a new day or a corrected address may be asked for."""
    return status == S.FAILED and attempts < max_attempts


def document_status_after(target: str) -> str | None:
    """What the document becomes when its delivery reaches this status, if it changes."""
    return {
        S.DELIVERED: DocumentStatus.DELIVERED,
        S.COLLECTED: DocumentStatus.COLLECTED,
        S.CANCELLED: DocumentStatus.READY,
        S.PAYMENT_EXPIRED: DocumentStatus.READY,
    }.get(target)
