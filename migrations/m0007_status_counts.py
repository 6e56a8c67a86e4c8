"""Summary rows of the lists' tab counts, filled from the records already there,
and the indexes the officer's list reads in order.

Frozen: the table as this migration created it.
"""

from peewee import CharField, Check, IntegerField, Model
from playhouse.migrate import migrate


class _StatusCount(Model):
    kind = CharField(max_length=16)
    scope = CharField(max_length=32)
    status = CharField(max_length=24)
    n = IntegerField(default=0, constraints=[Check("n >= 0")])

    class Meta:
        table_name = "status_count"
        legacy_table_names = False
        indexes = ((("kind", "scope", "status"), True),)


# Each delivery counted once, under its city and status. The kind and the
# scope are text: other kinds count under other scopes.
FILL_DELIVERIES = """
INSERT INTO status_count (kind, scope, status, n)
SELECT 'delivery', CAST(city_id AS VARCHAR(32)), status, COUNT(*) FROM delivery GROUP BY city_id, status
"""

# The officer's list, newest first, by status and by city (keyset on the id).
DELIVERY_INDEXES = (("status", "id"), ("city_id", "status", "id"), ("city_id", "id"))


def upgrade(database, migrator):
    with database.bind_ctx([_StatusCount]):
        database.create_tables([_StatusCount], safe=True)
    # Run again on a database that has the table (its version forgotten), it counts afresh.
    database.execute_sql("DELETE FROM status_count WHERE kind = 'delivery'")
    database.execute_sql(FILL_DELIVERIES)
    existing = {tuple(index.columns) for index in database.get_indexes("delivery")}
    for columns in DELIVERY_INDEXES:
        if columns not in existing:
            migrate(migrator.add_index("delivery", list(columns), False))
