"""The SADAD bill of a delivery's fee: issued in the request's transaction, closed with the delivery.

The fee (``DELIVERY_FEE_SAR``) is a Decimal and the bill keeps it in halalas,
so no float ever touches an amount. The bill number is the Hijri year and the
year's sequence, digits only as SADAD bill numbers are (``144800000042``).
"""

from datetime import timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from domain.dates import format_local_time
from domain.delivery import sadad
from domain.notifier import notify
from domain.references import next_reference
from models import BillStatus, Delivery, SadadBill, after_commit, utcnow


def fee() -> Decimal:
    """The delivery fee in riyals, exact to the halala."""
    return Decimal(current_app.config["DELIVERY_FEE_SAR"]).quantize(Decimal("0.01"))


def biller_code() -> str:
    return current_app.config["SADAD_BILLER_CODE"]


def next_bill_number() -> str:
    """A fresh bill number, never handed out before."""
    return next_reference("sadad", "", width=8).replace("-", "")


def bill_of(delivery: Delivery | int) -> SadadBill | None:
    """The delivery's bill, or None (deliveries made before bills were issued have none)."""
    return SadadBill.get_or_none(SadadBill.delivery == delivery)


def issue(delivery: Delivery, number: str, link: str) -> SadadBill:
    """Write the delivery's bill, due in ``SADAD_BILL_HOURS``, and tell the beneficiary how to pay it.

    Call inside the request's transaction; the provider is told once it commits.
    """
    amount = fee()
    bill = SadadBill.create(
        delivery=delivery,
        bill_number=number,
        amount_halalas=int(amount * 100),
        due_at=utcnow() + timedelta(hours=current_app.config["SADAD_BILL_HOURS"]),
    )
    notify(
        delivery.user,
        _l(
            "Delivery %(ref)s: pay SADAD bill %(bill)s (biller %(biller)s), %(amount)s SAR, by %(due)s. "
            "Unpaid by then, the request is cancelled.",
            ref=delivery.tracking_number,
            bill=bill.bill_number,
            biller=biller_code(),
            amount=sadad.money(bill.amount),
            due=LazyString(format_local_time, bill.due_at),
        ),
        link=link,
    )
    after_commit(lambda: sadad.register_bill(bill.id))
    return bill


def close_on_cancel(delivery: Delivery) -> None:
    """A cancelled delivery's bill: an unpaid one is cancelled, a paid one is owed back.

    Call inside the cancelling move's transaction.
    """
    SadadBill.update(status=BillStatus.CANCELLED).where(
        (SadadBill.delivery == delivery) & (SadadBill.status == BillStatus.UNPAID)
    ).execute()
    SadadBill.update(refund_due_at=utcnow()).where(
        (SadadBill.delivery == delivery) & (SadadBill.status == BillStatus.PAID) & SadadBill.refund_due_at.is_null()
    ).execute()
