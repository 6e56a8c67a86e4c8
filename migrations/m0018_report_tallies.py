"""The reports' daily tallies.

Frozen: the table as this migration created it. A database with records from
before it gets its tallies from `flask reports-rebuild`.
"""

from peewee import CharField, DateField, IntegerField, Model


class _DailyTally(Model):
    kind = CharField(max_length=16)
    scope = CharField(max_length=32)
    day = DateField()
    measure = CharField(max_length=40)
    n = IntegerField(default=0)

    class Meta:
        table_name = "daily_tally"
        legacy_table_names = False
        indexes = (
            (("kind", "scope", "day", "measure"), True),
            (("kind", "day"), False),
        )


def upgrade(database, migrator):
    with database.bind_ctx([_DailyTally]):
        database.create_tables([_DailyTally], safe=True)
