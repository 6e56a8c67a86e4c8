"""Proof of delivery: a four-digit delivery code for each attempt, asked at «تم التسليم».

When a delivery goes out, a new code is sent to the beneficiary by SMS and its
digest kept on the delivery. «تم التسليم» needs that code, or, with a reason,
the last four digits of the recipient's ID, and whether the old document was
collected. Each entry spends one try, taken by one guarded UPDATE before it is
compared and committed on its own, as sign-in codes are (``domain.accounts``):
parallel entries get no more than ``DELIVERY_CODE_MAX_TRIES`` between them, and
once they are spent the attempt can only be recorded as failed; the next one
goes out with a new code.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from domain.identity import normalize_digits
from models import Delivery, DeliveryStatus, User, write_transaction

CODE = "code"
ID_DIGITS = "id_digits"


@dataclass(frozen=True)
class Proof:
    """What was entered at «تم التسليم»."""

    code: str = ""
    id_digits: str = ""
    reason: str = ""
    old_document_collected: bool | None = None

    @property
    def kind(self) -> str:
        return CODE if self.code.strip() else ID_DIGITS


def max_tries() -> int:
    return current_app.config["DELIVERY_CODE_MAX_TRIES"]


def new_code() -> str:
    return f"{secrets.randbelow(10**4):04d}"


def digest(delivery_id: int, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"handover:{delivery_id}:{code}".encode(), hashlib.sha256).hexdigest()


def cleaned(proof: Proof) -> Proof:
    """The proof with Arabic-Indic digits read as digits and spaces taken out."""
    return Proof(
        code=normalize_digits(proof.code or "").strip(),
        id_digits=normalize_digits(proof.id_digits or "").strip(),
        reason=(proof.reason or "").strip(),
        old_document_collected=proof.old_document_collected,
    )


def incomplete(proof: Proof | None) -> LazyString | None:
    """What is missing from the entry, before any try is spent on it; None when complete."""
    if proof is None or not (proof.code or proof.id_digits):
        return _l("Enter the delivery code the beneficiary received, or the last four digits of the recipient's ID.")
    if proof.code and not (len(proof.code) == 4 and proof.code.isdigit()):
        return _l("The delivery code is 4 digits.")
    if not proof.code:
        if not (len(proof.id_digits) == 4 and proof.id_digits.isdigit()):
            return _l("Enter the last 4 digits of the recipient's ID.")
        if not proof.reason:
            return _l("Write why the delivery code could not be given.")
    if proof.old_document_collected is None:
        return _l("Say whether the old document was collected.")
    return None


def take_try(delivery_id: int) -> bool:
    """Spend one try on the current attempt's code, committed on its own; False when none is left."""
    with write_transaction():
        spent = (
            Delivery.update(handover_tries=Delivery.handover_tries + 1)
            .where(
                (Delivery.id == delivery_id)
                & (Delivery.status == DeliveryStatus.OUT_FOR_DELIVERY)
                & (Delivery.handover_tries < max_tries())
            )
            .execute()
        )
    return spent == 1


def mismatch(delivery: Delivery, proof: Proof) -> LazyString | None:
    """Why the entry does not prove the handover (a try already spent on it); None when it does."""
    left = max(max_tries() - Delivery.get_by_id(delivery.id).handover_tries, 0)
    if proof.code:
        if delivery.handover_code_hash and hmac.compare_digest(
            delivery.handover_code_hash, digest(delivery.id, proof.code)
        ):
            return None
        return _l("The delivery code is not right. Tries left: %(left)s.", left=left)
    national_id = User.select(User.national_id).where(User.id == delivery.user_id).scalar() or ""
    if hmac.compare_digest(national_id[-4:], proof.id_digits):
        return None
    return _l("Those are not the last four digits of the recipient's ID. Tries left: %(left)s.", left=left)


def locked() -> LazyString:
    return _l(
        "Too many wrong entries for this attempt. Record it as failed; the next attempt gets a new delivery code."
    )
