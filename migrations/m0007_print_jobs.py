"""The desk's print of a whole day as a job: its state, progress and the PDF once rendered.

Frozen: the table as this migration created it.
"""

from peewee import BlobField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, Model, TextField


class _Frozen(Model):
    class Meta:
        legacy_table_names = False


class _Branch(_Frozen):
    class Meta:
        table_name = "branch"


class _User(_Frozen):
    class Meta:
        table_name = "user"


class _PrintJob(_Frozen):
    token = CharField(max_length=32, unique=True)
    branch = ForeignKeyField(_Branch, backref="+", on_delete="CASCADE")
    requested_by = ForeignKeyField(_User, backref="+", on_delete="CASCADE")
    day = DateField()
    lang = CharField(max_length=2)
    state = CharField(max_length=8)
    total = IntegerField()
    done = IntegerField()
    error = TextField()
    pdf = BlobField(null=True)
    created_at = DateTimeField(index=True)
    finished_at = DateTimeField(null=True)

    class Meta:
        table_name = "printjob"


def upgrade(database, migrator):
    with database.bind_ctx([_Branch, _User, _PrintJob], bind_refs=False, bind_backrefs=False):
        database.create_tables([_PrintJob], safe=True)
