"""Document delivery: deliveries, their events and saved national addresses.

Frozen: the tables as this migration created them.
"""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


class _Frozen(Model):
    class Meta:
        # Index names from the table name, whatever the class is called.
        legacy_table_names = False


# Tables of earlier migrations, only as targets of foreign keys.


class _City(_Frozen):
    class Meta:
        table_name = "city"


class _User(_Frozen):
    class Meta:
        table_name = "user"


class _Document(_Frozen):
    class Meta:
        table_name = "document"


# The tables of this migration.


class _NationalAddress(_Frozen):
    """The columns of a national address, shared by two tables; no table of its own."""

    short_address = CharField(max_length=8)
    building_number = CharField(max_length=4)
    street = CharField(max_length=100)
    district = CharField(max_length=100)
    city = ForeignKeyField(_City, backref="+")
    postal_code = CharField(max_length=5)
    additional_number = CharField(max_length=4)
    mobile = CharField(max_length=10)


class _Delivery(_NationalAddress):
    tracking_number = CharField(max_length=13, unique=True)
    document = ForeignKeyField(_Document, backref="+")
    user = ForeignKeyField(_User, backref="+")
    status = CharField(max_length=24, index=True)
    attempts = IntegerField()
    fee_sar = IntegerField()
    created_at = DateTimeField(index=True)
    updated_at = DateTimeField()
    version = IntegerField()
    submission_token = CharField(max_length=64, unique=True, null=True)
    active_document = IntegerField(null=True, unique=True)

    class Meta:
        table_name = "delivery"


class _DeliveryEvent(_Frozen):
    delivery = ForeignKeyField(_Delivery, backref="+", on_delete="CASCADE")
    author = ForeignKeyField(_User, backref="+")
    kind = CharField(max_length=16)
    from_status = CharField(max_length=24)
    to_status = CharField(max_length=24)
    note = TextField()
    created_at = DateTimeField()

    class Meta:
        table_name = "deliveryevent"


class _SavedAddress(_NationalAddress):
    user = ForeignKeyField(_User, backref="+", on_delete="CASCADE")
    created_at = DateTimeField()

    class Meta:
        table_name = "savedaddress"
        indexes = ((("user", "short_address"), True),)


_REFERENCED = [_City, _User, _Document]
_TABLES = [_Delivery, _DeliveryEvent, _SavedAddress]


def upgrade(database, migrator):
    with database.bind_ctx(_REFERENCED + _TABLES, bind_refs=False, bind_backrefs=False):
        database.create_tables(_TABLES, safe=True)
