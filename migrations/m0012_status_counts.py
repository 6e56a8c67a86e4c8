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


# Each record counted once, under its scope and status: a delivery under its
# city, a request under its sector, an account under its role alone.
FILL = """
INSERT INTO status_count (kind, scope, status, n)
SELECT '{kind}', CAST({scope} AS VARCHAR(32)), status, COUNT(*) FROM {table} GROUP BY {scope}, status
"""
COUNTED = (("delivery", "delivery", "city_id"), ("request", "servicerequest", "sector_id"))
FILL_ACCOUNTS = """
INSERT INTO status_count (kind, scope, status, n) SELECT 'account', '', role, COUNT(*) FROM "user" GROUP BY role
"""

# The officer's list, newest first by status, or by city and status (keyset on the id).
DELIVERY_INDEXES = (("status", "id"), ("city_id", "status", "id"))


def upgrade(database, migrator):
    with database.bind_ctx([_StatusCount]):
        database.create_tables([_StatusCount], safe=True)
    # Run again on a database that has the table (its version forgotten), it counts afresh.
    database.execute_sql("DELETE FROM status_count")
    for kind, table, scope in COUNTED:
        database.execute_sql(FILL.format(kind=kind, table=table, scope=scope))
    database.execute_sql(FILL_ACCOUNTS)
    existing = {tuple(index.columns) for index in database.get_indexes("delivery")}
    for columns in DELIVERY_INDEXES:
        if columns not in existing:
            migrate(migrator.add_index("delivery", list(columns), False))
