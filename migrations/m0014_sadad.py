"""SADAD bills of the delivery fee (one per delivery, paid by a signed callback or expired),
the proof of delivery (the delivery code of each attempt, how a handover was proven) and the
fixed reason of a failed attempt, the day asked for the next attempt, and Saudi Post's events
kept by their ids.

Frozen: the table and the columns as this migration created them.
"""

from peewee import (
    BooleanField,
    CharField,
    Check,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)
from playhouse.migrate import migrate


class _Delivery(Model):
    class Meta:
        legacy_table_names = False
        table_name = "delivery"


class _SadadBill(Model):
    delivery = ForeignKeyField(_Delivery, backref="+", unique=True, on_delete="CASCADE")
    bill_number = CharField(max_length=20, unique=True)
    amount_halalas = IntegerField(constraints=[Check("amount_halalas > 0")])
    status = CharField(max_length=12, default="unpaid")
    created_at = DateTimeField()
    due_at = DateTimeField()
    paid_at = DateTimeField(null=True)
    payment_reference = CharField(max_length=64, default="")
    refund_due_at = DateTimeField(null=True)

    class Meta:
        legacy_table_names = False
        table_name = "sadadbill"
        indexes = ((("status", "due_at"), False),)


class _CarrierEvent(Model):
    event_id = CharField(max_length=64, unique=True)
    delivery = ForeignKeyField(_Delivery, backref="+", null=True, on_delete="CASCADE")
    tracking_number = CharField(max_length=13)
    event = CharField(max_length=24)
    outcome = CharField(max_length=12)
    error = CharField(max_length=32, default="")
    message = TextField(default="")
    received_at = DateTimeField()

    class Meta:
        legacy_table_names = False
        table_name = "carrierevent"


def _has_column(database, table, column):
    return column in {existing.name for existing in database.get_columns(table)}


COLUMNS = (
    ("delivery", "handover_code_hash", CharField(max_length=64, default="")),
    ("delivery", "handover_tries", IntegerField(default=0)),
    ("delivery", "preferred_day", DateField(null=True)),
    ("deliveryevent", "reason", CharField(max_length=24, default="")),
    ("deliveryevent", "proof", CharField(max_length=12, default="")),
    ("deliveryevent", "old_document_collected", BooleanField(null=True)),
)


def upgrade(database, migrator):
    with database.bind_ctx([_Delivery, _SadadBill, _CarrierEvent]):
        database.create_tables([_SadadBill, _CarrierEvent], safe=True)
    migrate(
        *(
            migrator.add_column(table, name, field)
            for table, name, field in COLUMNS
            if not _has_column(database, table, name)
        )
    )
