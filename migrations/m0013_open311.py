"""The Open311 interface: the keys other systems send requests with, the sectors each may write to,
and what a request sent through it said beyond the form (where, a picture's URL, which key).

Frozen: the tables as this migration created them.
"""

from peewee import CharField, DateTimeField, DoubleField, ForeignKeyField, Model


class _User(Model):
    class Meta:
        table_name = "user"
        legacy_table_names = False


class _Sector(Model):
    class Meta:
        table_name = "sector"
        legacy_table_names = False


class _ServiceRequest(Model):
    class Meta:
        table_name = "servicerequest"
        legacy_table_names = False


class _ApiKey(Model):
    name = CharField(max_length=100)
    owner = CharField(max_length=200)
    token_hash = CharField(max_length=64, unique=True)
    prefix = CharField(max_length=8)
    created_by = ForeignKeyField(_User, column_name="created_by_id", backref="+")
    created_at = DateTimeField()
    revoked_at = DateTimeField(null=True)

    class Meta:
        table_name = "apikey"
        legacy_table_names = False


class _ApiKeySector(Model):
    key = ForeignKeyField(_ApiKey, column_name="key_id", backref="+", on_delete="CASCADE")
    sector = ForeignKeyField(_Sector, column_name="sector_id", backref="+", on_delete="CASCADE")

    class Meta:
        table_name = "apikeysector"
        legacy_table_names = False
        indexes = ((("key", "sector"), True),)


class _ApiReport(Model):
    request = ForeignKeyField(_ServiceRequest, column_name="request_id", backref="+", unique=True, on_delete="CASCADE")
    key = ForeignKeyField(_ApiKey, column_name="key_id", backref="+")
    address = CharField(max_length=300, default="")
    address_id = CharField(max_length=8, default="")
    lat = DoubleField(null=True)
    long = DoubleField(null=True)
    media_url = CharField(max_length=500, default="")

    class Meta:
        table_name = "apireport"
        legacy_table_names = False


def upgrade(database, migrator):
    tables = [_ApiKey, _ApiKeySector, _ApiReport]
    with database.bind_ctx([_User, _Sector, _ServiceRequest, *tables]):
        database.create_tables(tables, safe=True)
