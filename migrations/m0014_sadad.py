"""SADAD bills of the delivery fee: one per delivery, paid by a signed callback or expired.

Frozen: the table as this migration created it.
"""

from peewee import CharField, Check, DateTimeField, ForeignKeyField, IntegerField, Model


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


def upgrade(database, migrator):
    with database.bind_ctx([_Delivery, _SadadBill]):
        database.create_tables([_SadadBill], safe=True)
