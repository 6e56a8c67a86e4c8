"""The catalog's version stamp, and the kept request confirmations.

``catalog_version`` holds one row whose number grows with every change of the
catalog, so that each process knows when its copy of the catalog is stale.
``requestconfirmation`` keeps a request's printed confirmation per language,
so that re-printing sends the same bytes without rendering.

Frozen: the tables as this migration created them.
"""

from peewee import BlobField, CharField, ForeignKeyField, IntegerField, Model


class _Frozen(Model):
    class Meta:
        legacy_table_names = False


class _ServiceRequest(_Frozen):
    class Meta:
        table_name = "servicerequest"


class _CatalogVersion(_Frozen):
    version = IntegerField()

    class Meta:
        table_name = "catalog_version"


class _RequestConfirmation(_Frozen):
    request = ForeignKeyField(_ServiceRequest, backref="+", on_delete="CASCADE")
    lang = CharField(max_length=2)
    version = IntegerField()
    etag = CharField(max_length=64)
    pdf = BlobField()

    class Meta:
        table_name = "requestconfirmation"
        indexes = ((("request", "lang"), True),)


_REFERENCED = [_ServiceRequest]
_TABLES = [_CatalogVersion, _RequestConfirmation]


def upgrade(database, migrator):
    with database.bind_ctx(_REFERENCED + _TABLES, bind_refs=False, bind_backrefs=False):
        database.create_tables(_TABLES, safe=True)
