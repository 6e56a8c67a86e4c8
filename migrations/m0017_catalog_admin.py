"""The catalog run from «الإدارة»: retiring instead of deleting, versions against two admins
overwriting each other, what a service takes (bookings, requests), closures of some hours,
and each branch's plan per weekday.

Frozen: the columns and tables as this migration created them.
"""

from peewee import BooleanField, CharField, Check, ForeignKeyField, IntegerField, Model

from migrations import add_column_if_missing


class _Frozen(Model):
    class Meta:
        legacy_table_names = False


class _Sector(_Frozen):
    active = BooleanField(default=True)
    version = IntegerField(default=1)

    class Meta:
        table_name = "sector"


class _Section(_Frozen):
    active = BooleanField(default=True)
    version = IntegerField(default=1)

    class Meta:
        table_name = "section"


class _Service(_Frozen):
    bookable = BooleanField(default=True)
    accepts_requests = BooleanField(default=True)
    active = BooleanField(default=True)
    version = IntegerField(default=1)

    class Meta:
        table_name = "service"


class _Branch(_Frozen):
    active = BooleanField(default=True)
    version = IntegerField(default=1)

    class Meta:
        table_name = "branch"


class _Holiday(_Frozen):
    starts = CharField(max_length=5, default="")
    ends = CharField(max_length=5, default="")

    class Meta:
        table_name = "holiday"


class _BranchDay(_Frozen):
    branch = ForeignKeyField(_Branch, backref="+", on_delete="CASCADE")
    weekday = IntegerField(constraints=[Check("weekday BETWEEN 0 AND 6")])
    is_open = BooleanField(default=True)
    opens = CharField(max_length=5)
    closes = CharField(max_length=5)
    version = IntegerField(default=1)

    class Meta:
        table_name = "branchday"
        indexes = ((("branch", "weekday"), True),)


class _BranchDayService(_Frozen):
    day = ForeignKeyField(_BranchDay, backref="+", on_delete="CASCADE")
    service = ForeignKeyField(_Service, backref="+", on_delete="CASCADE")
    slot_minutes = IntegerField(constraints=[Check("slot_minutes > 0")])
    seats = IntegerField(constraints=[Check("seats >= 0")])

    class Meta:
        table_name = "branchdayservice"
        indexes = ((("day", "service"), True),)


ADDED = (
    (_Sector, ("active", "version")),
    (_Section, ("active", "version")),
    (_Service, ("bookable", "accepts_requests", "active", "version")),
    (_Branch, ("active", "version")),
    (_Holiday, ("starts", "ends")),
)


def upgrade(database, migrator):
    for model, names in ADDED:
        with database.bind_ctx([model]):
            for name in names:
                add_column_if_missing(migrator, model, name)
    tables = [_Branch, _Service, _BranchDay, _BranchDayService]
    with database.bind_ctx(tables, bind_refs=False, bind_backrefs=False):
        database.create_tables([_BranchDay, _BranchDayService], safe=True)
